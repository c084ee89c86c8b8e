import * as fs from 'fs';

import { PartitionLog } from '../partition-log';
import { encodeValues } from './batch-builder';

/**
 * Child process for the kill -9 test: appends batches forever to the log in argv[2] and reports
 * each acknowledged last offset on stdout, synchronously, right after `append` returns.
 */
const log = PartitionLog.open(process.argv[2], {
  segmentBytes: 64 * 1024,
  retentionBytes: -1,
  retentionMs: -1,
  indexIntervalBytes: 1024,
});
/** stdout is a non-blocking pipe: a full pipe answers EAGAIN, so retry until the line is written. */
function reportSync(line: string): void {
  for (;;) {
    try {
      fs.writeSync(1, line);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

for (let i = 0; ; i++) {
  const { lastOffset } = log.append(encodeValues(`w${i}`, 5));
  reportSync(`${lastOffset}\n`);
}
