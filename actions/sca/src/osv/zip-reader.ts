// Reads the entries of a zip archive (osv.dev's all.zip) with Node's native zlib: on 50,000
// advisories it inflates about three times faster than a JavaScript inflater, which is most of
// the time an offline scan takes. Stored and deflated entries, zip64 archives; no encryption.

import { inflateRawSync } from "node:zlib";

export class ZipError extends Error {
  override readonly name = "ZipError";
}

export interface ZipEntry {
  name: string;
  /** The entry's bytes, or a ZipError for an entry that cannot be read. */
  read(): Buffer;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The entries of an archive, from its central directory. Throws ZipError when there is none. */
export function zipEntries(zip: Buffer): ZipEntry[] {
  try {
    return readCentralDirectory(zip);
  } catch (error) {
    // A field pointing past the end of a damaged archive: a broken zip, not a bug.
    if (error instanceof RangeError) throw new ZipError(`its directory is broken (${error.message})`);
    throw error;
  }
}

function readCentralDirectory(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1)
    throw new ZipError("no zip end-of-central-directory record (not a zip file, or cut short)");
  let count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (eocd >= 20 && zip.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const record = Number(zip.readBigUInt64LE(eocd - 12));
    if (record + 56 > zip.length || zip.readUInt32LE(record) !== ZIP64_EOCD)
      throw new ZipError("broken zip64 end-of-central-directory record");
    count = Number(zip.readBigUInt64LE(record + 32));
    offset = Number(zip.readBigUInt64LE(record + 48));
  }
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CENTRAL)
      throw new ZipError(`central directory entry ${i + 1} of ${count} is broken`);
    const flags = zip.readUInt16LE(p + 8);
    const method = zip.readUInt16LE(p + 10);
    let compressed = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    let local = zip.readUInt32LE(p + 42);
    const name = zip.toString("utf8", p + 46, p + 46 + nameLength);
    if (compressed === 0xffffffff || local === 0xffffffff) {
      ({ compressed, local } = zip64Sizes(
        zip,
        p + 46 + nameLength,
        extraLength,
        zip.readUInt32LE(p + 24) === 0xffffffff,
        compressed,
        local,
      ));
    }
    p += 46 + nameLength + extraLength + commentLength;
    entries.push({
      name,
      read() {
        if (flags & 1) throw new ZipError("encrypted");
        if (method !== 0 && method !== 8)
          throw new ZipError(`compression method ${method} is not supported (only stored and deflated)`);
        if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL)
          throw new ZipError("its local header is missing");
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        if (start + compressed > zip.length) throw new ZipError("its data is cut short");
        const data = zip.subarray(start, start + compressed);
        if (method === 0) return data;
        try {
          return inflateRawSync(data);
        } catch (error) {
          throw new ZipError(`cannot be inflated (${(error as Error).message})`);
        }
      },
    });
  }
  return entries;
}

/** Sizes and offset from the zip64 extra field, in its fixed order, for the fields that overflowed. */
function zip64Sizes(
  zip: Buffer,
  start: number,
  length: number,
  uncompressedOverflow: boolean,
  compressed: number,
  local: number,
) {
  let q = start;
  while (q + 4 <= start + length) {
    const id = zip.readUInt16LE(q);
    const size = zip.readUInt16LE(q + 2);
    if (id === 0x0001) {
      let field = q + 4;
      if (uncompressedOverflow) field += 8;
      if (compressed === 0xffffffff) {
        compressed = Number(zip.readBigUInt64LE(field));
        field += 8;
      }
      if (local === 0xffffffff) local = Number(zip.readBigUInt64LE(field));
      break;
    }
    q += 4 + size;
  }
  return { compressed, local };
}
