import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { ZipError, zipEntries } from "../src/osv/zip-reader.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** A zip64 archive written by hand (stored entries): what osv.dev's all.zip of every ecosystem is. */
function zip64(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, data);
    // Central entry whose offset lives in a zip64 extra field.
    const extra = Buffer.alloc(12);
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(8, 2);
    extra.writeBigUInt64LE(BigInt(offset), 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt16LE(extra.length, 30);
    central.writeUInt32LE(0xffffffff, 42);
    centrals.push(central, nameBytes, extra);
    offset += 30 + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const count = Object.keys(files).length;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeBigUInt64LE(BigInt(count), 24);
  record.writeBigUInt64LE(BigInt(count), 32);
  record.writeBigUInt64LE(BigInt(directory.length), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(0xffff, 8);
  eocd.writeUInt16LE(0xffff, 10);
  eocd.writeUInt32LE(0xffffffff, 12);
  eocd.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([...locals, directory, record, locator, eocd]);
}

describe("zip reader", () => {
  it("reads stored and deflated entries written by fflate", () => {
    const zip = Buffer.from(
      zipSync({
        "a.json": [text('{"id":"A"}'), { level: 0 }],
        "dir/b.json": [text(`{"id":"B","x":"${"y".repeat(5000)}"}`), { level: 9 }],
      }),
    );
    const entries = zipEntries(zip);
    expect(entries.map((e) => e.name)).toEqual(["a.json", "dir/b.json"]);
    expect(JSON.parse(entries[1]?.read().toString() as string).x).toHaveLength(5000);
  });

  it("reads zip64 archives", () => {
    const entries = zipEntries(zip64({ "one.json": '{"id":"1"}', "two.json": '{"id":"2"}' }));
    expect(entries.map((e) => `${e.name}=${e.read().toString()}`)).toEqual([
      'one.json={"id":"1"}',
      'two.json={"id":"2"}',
    ]);
  });

  it("names what is wrong with a broken archive or entry", () => {
    expect(() => zipEntries(Buffer.from("not a zip at all, just text that is long enough"))).toThrow(
      ZipError,
    );
    const zip = Buffer.from(zipSync({ "a.json": [text(`{"id":"${"A".repeat(2000)}"}`), { level: 9 }] }));
    const start = 30 + "a.json".length;
    zip.fill(0xff, start, start + 20); // corrupt the deflate stream
    expect(() => zipEntries(zip)[0]?.read()).toThrow(/cannot be inflated/);
    expect(() => zipEntries(zip.subarray(0, zip.length - 30))).toThrow(/end-of-central-directory/);
  });
});
