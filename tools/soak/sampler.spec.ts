import { parsePrometheus, processSampleOf } from './sampler';

const EXPOSITION = `# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 215040000
# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.
# TYPE nodejs_heap_size_used_bytes gauge
nodejs_heap_size_used_bytes 81234567
opsline_heap_used_after_full_gc_bytes 61234567
# HELP nodejs_active_handles Number of active libuv handles grouped by handle type.
nodejs_active_handles{type="Socket"} 9
nodejs_active_handles{type="Server"} 1
nodejs_active_handles_total 15
process_open_fds 32
`;

describe('parsePrometheus', () => {
  it('reads unlabelled samples and leaves labelled series and comments alone', () => {
    const values = parsePrometheus(EXPOSITION, ['nodejs_active_handles', 'nodejs_active_handles_total']);
    expect([...values]).toEqual([['nodejs_active_handles_total', 15]]);
  });
});

describe('processSampleOf', () => {
  it("takes RSS, heap, handles and fds from prom-client's default metrics", () => {
    expect(processSampleOf(EXPOSITION)).toEqual({
      rssBytes: 215040000,
      heapUsedBytes: 81234567,
      heapAfterGcBytes: 61234567,
      activeHandles: 15,
      openFds: 32,
    });
  });

  it('names the metrics a scrape lacks', () => {
    const withoutFds = EXPOSITION.replace(/^process_open_fds .*$/m, '');
    expect(() => processSampleOf(withoutFds)).toThrow('/metrics lacks process_open_fds');
  });
});
