import { databaseNameOf, redactDatabaseUrl, resolveDatabaseUrl, withDatabaseName } from './database-url';

describe('resolveDatabaseUrl', () => {
  it('returns DATABASE_URL when it is set', () => {
    expect(resolveDatabaseUrl({ DATABASE_URL: 'postgres://u:p@db:5432/opsline' })).toBe(
      'postgres://u:p@db:5432/opsline',
    );
  });

  it('returns undefined when DATABASE_URL is unset or blank, so the launcher starts embedded PostgreSQL', () => {
    expect(resolveDatabaseUrl({})).toBeUndefined();
    expect(resolveDatabaseUrl({ DATABASE_URL: '  ' })).toBeUndefined();
  });

  it('fails fast naming the variable, without echoing the password, when the value is not a postgres URL', () => {
    expect(() => resolveDatabaseUrl({ DATABASE_URL: 'db:5432' })).toThrow(
      /^DATABASE_URL must use postgres:\/\//,
    );
    expect(() => resolveDatabaseUrl({ DATABASE_URL: 'mysql://u:secret@db/x' })).toThrow(/^DATABASE_URL/);
    expect(() => resolveDatabaseUrl({ DATABASE_URL: 'mysql://u:secret@db/x' })).not.toThrow(/secret/);
    expect(() => resolveDatabaseUrl({ DATABASE_URL: 'not a url' })).toThrow(/^DATABASE_URL is not a URL/);
  });
});

describe('database URL helpers', () => {
  it('redacts the password for log lines', () => {
    expect(redactDatabaseUrl('postgres://u:secret@db:5432/opsline')).toBe('postgres://u:***@db:5432/opsline');
    expect(redactDatabaseUrl('postgres://u@db/opsline')).toBe('postgres://u@db/opsline');
  });

  it('points a URL at another database, keeping credentials and parameters', () => {
    expect(withDatabaseName('postgres://u:p@db:5432/postgres?sslmode=require', 'opsline_t_x')).toBe(
      'postgres://u:p@db:5432/opsline_t_x?sslmode=require',
    );
    expect(withDatabaseName('postgres://u@db', 'other')).toBe('postgres://u@db/other');
  });

  it('reads the database name, defaulting like libpq to the user name', () => {
    expect(databaseNameOf('postgres://u@db/opsline')).toBe('opsline');
    expect(databaseNameOf('postgres://u@db')).toBe('u');
  });
});
