/**
 * RPUSH of one large value whose RESP framing is written around the value in the value's own
 * buffer, so its bytes go to the socket where they lie. ioredis copies every argument of a
 * command into one new buffer before it writes it (`Command#toWritable`); for an LL-HLS part
 * (tens of kilobytes, five a second per camera) that fresh buffer is most of the cost of the
 * write, in allocation and page faults (README, "Where the native path's CPU goes").
 *
 * The command is an ioredis `Command` whose `toWritable` returns the framed bytes, so
 * replies, errors, the offline queue and reconnects work as for any other command.
 * Framing per the Redis serialization protocol (RESP2): an array of three bulk strings,
 * `*3\r\n$5\r\nRPUSH\r\n$<key bytes>\r\n<key>\r\n$<value bytes>\r\n<value>\r\n`.
 */
import type Redis from "ioredis";
import { Command } from "ioredis";

/** Bytes a value should have free in its buffer before it: the framing of keys up to 200 bytes. */
export const RESP_HEADROOM = 256;
/** Bytes a value needs free in its buffer after it: the closing CRLF. */
export const RESP_TAILROOM = 2;

/** A command that writes bytes already framed by the caller. */
class FramedCommand extends Command {
  constructor(
    name: string,
    args: (string | Buffer)[],
    private readonly framed: Buffer,
  ) {
    super(name, args);
  }

  override toWritable(_socket: object): Buffer {
    return this.framed;
  }
}

/**
 * Appends `value` to the list `key` (RPUSH), writing the command's framing into the bytes just
 * before `value` (up to {@link RESP_HEADROOM}) and the {@link RESP_TAILROOM} bytes after it in
 * its buffer: those bytes are overwritten, and the buffer must not change until the promise
 * settles. Without that room (a view at its buffer's start, a very long key) it is a plain
 * RPUSH, with ioredis' copy.
 * @param value a view with room around it in its buffer (a pooled part buffer)
 * @returns the list's length after the push (Redis' reply)
 */
export function rpushFramed(redis: Redis, key: string, value: Uint8Array): Promise<number> {
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const head = `*3\r\n$5\r\nRPUSH\r\n$${Buffer.byteLength(key)}\r\n${key}\r\n$${value.byteLength}\r\n`;
  const headBytes = Buffer.byteLength(head);
  const after = value.buffer.byteLength - value.byteOffset - value.byteLength;
  if (value.byteOffset < headBytes || after < RESP_TAILROOM) return redis.rpush(key, bytes);
  const framed = Buffer.from(value.buffer, value.byteOffset - headBytes, headBytes + value.byteLength + RESP_TAILROOM);
  framed.write(head, 0, "utf8");
  framed[headBytes + value.byteLength] = 0x0d;
  framed[headBytes + value.byteLength + 1] = 0x0a;
  return redis.sendCommand(new FramedCommand("rpush", [key, bytes], framed)) as Promise<number>;
}
