/**
 * The sample table (`stbl`, ISO/IEC 14496-12 §8.5.1) of a fragmented H.264 track's init
 * segment: one `avc1` sample description carrying the `avcC` (ISO/IEC 14496-15 §5.4.2), and
 * empty time-to-sample, sample-to-chunk, size and chunk offset tables, since every sample
 * lives in a movie fragment (§8.8.1).
 */

import type { BoxWriter } from "./box-writer.ts";

/**
 * Writes `stbl`: `stsd` (§8.5.2) with one `avc1`, then `stts` (§8.6.1.2), `stsc` (§8.7.4),
 * `stsz` (§8.7.3) and `stco` (§8.7.5), all empty, in the order of the box table of §6.2.3.
 * @param width picture width in pixels, 1..65535 (checked by the caller)
 * @param height picture height in pixels, 1..65535
 * @param avcC an AVCDecoderConfigurationRecord (14496-15 §5.3.3.1)
 */
export function writeSampleTable(w: BoxWriter, width: number, height: number, avcC: Uint8Array): void {
  const stbl = w.open("stbl");
  writeSampleDescription(w, width, height, avcC);
  emptyTable(w, "stts");
  emptyTable(w, "stsc");
  const stsz = w.openFull("stsz", 0, 0);
  w.u32(0); // sample_size: sizes follow per sample (here: none)
  w.u32(0); // sample_count
  w.close(stsz);
  emptyTable(w, "stco");
  w.close(stbl);
}

/** `stsd` with one `avc1` VisualSampleEntry (§8.5.2.2, §12.1.3.2) holding the `avcC`. */
function writeSampleDescription(w: BoxWriter, width: number, height: number, avcC: Uint8Array): void {
  const stsd = w.openFull("stsd", 0, 0);
  w.u32(1); // entry_count
  const avc1 = w.open("avc1");
  w.zeros(6); // SampleEntry reserved
  w.u16(1); // data_reference_index: the 'url ' entry of dref
  w.zeros(16); // pre_defined, reserved, pre_defined[3]
  w.u16(width);
  w.u16(height);
  w.u32(0x00480000); // horizresolution 72 dpi
  w.u32(0x00480000); // vertresolution 72 dpi
  w.u32(0); // reserved
  w.u16(1); // frame_count: one frame per sample
  w.zeros(32); // compressorname: empty Pascal string
  w.u16(0x0018); // depth: colour, no alpha
  w.u16(0xffff); // pre_defined = -1
  const avcCBox = w.open("avcC"); // AVCConfigurationBox, 14496-15 §5.4.2.1.2
  w.bytes(avcC);
  w.close(avcCBox);
  w.close(avc1);
  w.close(stsd);
}

/** A sample table box with entry_count 0: the samples are all in fragments (§8.8.1). */
function emptyTable(w: BoxWriter, type: string): void {
  const box = w.openFull(type, 0, 0);
  w.u32(0); // entry_count
  w.close(box);
}
