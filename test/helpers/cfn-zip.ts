/** One file in a zip archive, as listed by its central directory. */
export interface ZipEntry {
  name: string;
  /** Bytes as stored (compressed). */
  compressedSize: number;
  /** Bytes once extracted. */
  size: number;
  /** Unix permission bits (0o755...) from the external attributes of an archive made on Unix, else 0. */
  mode: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
/** End-of-central-directory record: 22 bytes plus a comment of at most 65 535 bytes. */
const EOCD_MIN = 22;

/**
 * Lists a zip's entries from its central directory (node has no unzip; the archives osls writes are plain zips,
 * not zip64).
 * @throws Error when no end-of-central-directory record is found
 */
export function listZipEntries(zip: Buffer): ZipEntry[] {
  const eocd = findEocd(zip);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new Error(`zip: bad central directory entry at ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    // Version made by: host 3 is Unix, whose file mode is the external attributes' upper half.
    const unix = zip.readUInt8(at + 5) === 3;
    entries.push({
      mode: unix ? (zip.readUInt32LE(at + 38) >>> 16) & 0o7777 : 0,
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEocd(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - EOCD_MIN - 0xffff);
  for (let at = zip.length - EOCD_MIN; at >= lowest; at -= 1) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE) return at;
  }
  throw new Error('zip: end-of-central-directory record not found (not a zip file?)');
}
