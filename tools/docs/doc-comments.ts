import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** A class's doc comment and those of its properties, read from source. */
export interface ClassDocs {
  readonly doc: string;
  readonly properties: ReadonlyMap<string, string>;
}

function docOf(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The doc comments of every class declared in `files` (paths relative to `root`), by class name. */
export function readClassDocs(root: string, files: readonly string[]): Map<string, ClassDocs> {
  const classes = new Map<string, ClassDocs>();
  for (const file of files) {
    const source = ts.createSourceFile(
      file,
      readFileSync(join(root, file), 'utf8'),
      ts.ScriptTarget.ES2022,
      true,
    );
    source.forEachChild((node) => {
      if (!ts.isClassDeclaration(node) || node.name === undefined) return;
      const properties = new Map<string, string>();
      for (const member of node.members) {
        if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name)) {
          properties.set(member.name.text, docOf(member));
        }
      }
      classes.set(node.name.text, { doc: docOf(node), properties });
    });
  }
  return classes;
}

/** TypeScript files under `dir` (relative to `root`), without tests. */
export function sourceFilesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter(
      (entry) =>
        entry.isFile() && entry.name.endsWith('.ts') && !/\.(spec|medium-spec)\.ts$/.test(entry.name),
    )
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

/** A Markdown table cell: pipes escaped, on one line. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
