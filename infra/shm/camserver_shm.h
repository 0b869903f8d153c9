/*
 * camserver_shm.h - the shared-memory frame ring that a local camera daemon writes and
 * camserver reads (camera source URL `shm://NAME`, file /dev/shm/NAME).
 *
 * One writer, any number of readers. Readers never write to the ring (camserver maps it
 * PROT_READ), so a reader cannot slow the writer down or corrupt it. camserver serves
 * format 3 (H.264) only: each frame is ONE access unit in Annex B byte stream format
 * (ITU-T H.264 Annex B: start codes 00 00 01 / 00 00 00 01), with SPS and PPS in-band in
 * front of every IDR picture. The TypeScript twin of this layout is src/media/shm/.
 *
 * ------------------------------------------------------------------------------------
 * Layout: all integers little-endian (the writer's native order on x86-64 and aarch64),
 * naturally aligned. File size = CAMSERVER_SHM_HEADER_SIZE + slot_count * slot_size.
 *
 *   header, 64 bytes at offset 0                 slot i at 64 + i * slot_size
 *   off size field                               off size field
 *    0  4   magic  "CSHM" (0x4D485343)            0  4   seq_begin    odd while writing
 *    4  2   version (1)                           4  4   index        write index of this frame
 *    6  2   header_size (64)                      8  8   frame_number the daemon's counter
 *    8  4   slot_count (power of two, 2..65536)  16  8   timestamp_us capture time, CLOCK_MONOTONIC, us
 *   12  4   slot_size (multiple of 64, >= 128)   24  4   camera_id    the daemon's camera number
 *   16  4   write_index frames published so far  28  4   width        pixels
 *           (mod 2^32; frame n is in slot        32  4   height       pixels
 *           n % slot_count)                      36  4   format       0 JPEG 1 NV12 2 RGB 3 H.264
 *   20  4   generation (non-zero, new value      40  4   flags        bit 0: an IDR access unit
 *           each time the ring is laid out)      44  4   data_size    bytes of data used
 *   24  4   writer_pid (0 = unknown)             48  4   seq_end      == seq_begin once written
 *   28 36   reserved, zero                       52 12   reserved, zero
 *                                                64  ... data, slot_size - 64 bytes at most
 *
 * ------------------------------------------------------------------------------------
 * Write protocol (what camserver's reader relies on):
 *
 *  Creating the ring:
 *   1. fd = shm_open("/NAME", O_CREAT | O_RDWR, 0644); ftruncate(fd, size) to the FULL
 *      size first; mmap(PROT_READ | PROT_WRITE, MAP_SHARED).
 *   2. NEVER shrink the file while it exists: a reader that touches a page past a shrunk
 *      end dies with SIGBUS. To change the layout, either shm_unlink the name and create
 *      a new file (readers notice the new file and re-map), or keep the file, store
 *      magic = 0, grow it if needed, lay it out again with a NEW generation and store the
 *      magic last (camserver_shm_init does this).
 *   3. Every field is written before magic, and magic with __ATOMIC_RELEASE.
 *
 *  Publishing frame n (n = write_index, kept by the writer) into slot s = n % slot_count,
 *  with q = the slot's seq_begin (even):
 *   1. __atomic_store_n(&slot->seq_begin, q + 1, __ATOMIC_RELAXED);   odd: writing
 *      __atomic_thread_fence(__ATOMIC_RELEASE);  seq_begin is stored before the payload
 *   2. plain stores: index = n, frame_number, timestamp_us, camera_id, width, height,
 *      format, flags, data_size, then memcpy of the data
 *   3. __atomic_store_n(&slot->seq_end,   q + 2, __ATOMIC_RELEASE);   payload complete
 *   4. __atomic_store_n(&slot->seq_begin, q + 2, __ATOMIC_RELEASE);   even: stable
 *   5. __atomic_store_n(&hdr->write_index, n + 1, __ATOMIC_RELEASE);  published
 *
 *  Readers load write_index, then for a frame n below it read seq_end, copy the slot,
 *  then read seq_begin (L. Lamport, "Concurrent reading and writing", CACM 20(11), 1977):
 *  the copy is kept only when both are equal and even and index == n. A slot overwritten
 *  while a reader copies it is skipped, never handed on torn.
 *
 *  Size the ring for at least one GOP plus a margin (30 fps, 1 s GOP: 64 slots), so a
 *  reader that joins finds a keyframe, and slot_size for the largest access unit + 64.
 *  A frame too large for a slot cannot be written: drop it and the frames up to the
 *  next IDR. timestamp_us must come from CLOCK_MONOTONIC and not go backwards.
 *  Python writers must store the seq and index fields through ctypes, not
 *  struct.pack_into (which may tear them).
 */
#ifndef CAMSERVER_SHM_H
#define CAMSERVER_SHM_H

#include <stdint.h>
#include <string.h>

#define CAMSERVER_SHM_MAGIC 0x4D485343u /* "CSHM" in memory order */
#define CAMSERVER_SHM_VERSION 1u
#define CAMSERVER_SHM_HEADER_SIZE 64u
#define CAMSERVER_SHM_SLOT_HEADER_SIZE 64u
#define CAMSERVER_SHM_FLAG_KEYFRAME 1u

enum camserver_shm_format {
  CAMSERVER_SHM_JPEG = 0,
  CAMSERVER_SHM_NV12 = 1,
  CAMSERVER_SHM_RGB = 2,
  CAMSERVER_SHM_H264 = 3,
};

struct camserver_shm_header {
  uint32_t magic;
  uint16_t version;
  uint16_t header_size;
  uint32_t slot_count;
  uint32_t slot_size;
  uint32_t write_index;
  uint32_t generation;
  uint32_t writer_pid;
  uint8_t reserved[36];
};

struct camserver_shm_slot {
  uint32_t seq_begin;
  uint32_t index;
  uint64_t frame_number;
  uint64_t timestamp_us;
  uint32_t camera_id;
  uint32_t width;
  uint32_t height;
  uint32_t format;
  uint32_t flags;
  uint32_t data_size;
  uint32_t seq_end;
  uint8_t reserved[12];
  /* uint8_t data[slot_size - 64] follows */
};

_Static_assert(sizeof(struct camserver_shm_header) == CAMSERVER_SHM_HEADER_SIZE, "header is 64 bytes");
_Static_assert(sizeof(struct camserver_shm_slot) == CAMSERVER_SHM_SLOT_HEADER_SIZE, "slot header is 64 bytes");

/** One frame to publish. */
struct camserver_shm_frame {
  uint64_t frame_number;
  uint64_t timestamp_us; /* CLOCK_MONOTONIC, microseconds */
  uint32_t camera_id;
  uint32_t width;
  uint32_t height;
  uint32_t format; /* enum camserver_shm_format */
  uint32_t flags;  /* CAMSERVER_SHM_FLAG_KEYFRAME for an IDR access unit */
  const void *data;
  uint32_t data_size;
};

/** Bytes of a ring with this many slots of this size. */
static inline uint64_t camserver_shm_ring_size(uint32_t slot_count, uint32_t slot_size) {
  return (uint64_t)CAMSERVER_SHM_HEADER_SIZE + (uint64_t)slot_count * slot_size;
}

static inline struct camserver_shm_slot *camserver_shm_slot_at(void *ring, uint32_t index) {
  struct camserver_shm_header *h = (struct camserver_shm_header *)ring;
  uint32_t s = index & (h->slot_count - 1u);
  return (struct camserver_shm_slot *)((uint8_t *)ring + CAMSERVER_SHM_HEADER_SIZE + (uint64_t)s * h->slot_size);
}

/**
 * Lays out a ring in `ring` (already mapped, at least camserver_shm_ring_size bytes).
 * Returns 0, or -1 when slot_count is not a power of two in 2..65536 or slot_size is not
 * a multiple of 64 of at least 128.
 */
static inline int camserver_shm_init(void *ring, uint32_t slot_count, uint32_t slot_size, uint32_t generation,
                                     uint32_t writer_pid) {
  struct camserver_shm_header *h = (struct camserver_shm_header *)ring;
  if (slot_count < 2u || slot_count > 65536u || (slot_count & (slot_count - 1u)) != 0u) return -1;
  if (slot_size < 128u || slot_size % 64u != 0u) return -1;
  __atomic_store_n(&h->magic, 0u, __ATOMIC_RELEASE); /* readers stop trusting the old layout */
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  h->version = CAMSERVER_SHM_VERSION;
  h->header_size = CAMSERVER_SHM_HEADER_SIZE;
  h->slot_count = slot_count;
  h->slot_size = slot_size;
  h->write_index = 0u;
  h->generation = generation ? generation : 1u;
  h->writer_pid = writer_pid;
  memset(h->reserved, 0, sizeof h->reserved);
  for (uint32_t i = 0; i < slot_count; i++) {
    memset(camserver_shm_slot_at(ring, i), 0, CAMSERVER_SHM_SLOT_HEADER_SIZE);
  }
  __atomic_store_n(&h->magic, CAMSERVER_SHM_MAGIC, __ATOMIC_RELEASE);
  return 0;
}

/**
 * Publishes one frame (the write protocol above). Single writer only.
 * Returns 0, or -1 when the data does not fit a slot (nothing is written).
 */
static inline int camserver_shm_write(void *ring, const struct camserver_shm_frame *f) {
  struct camserver_shm_header *h = (struct camserver_shm_header *)ring;
  if (f->data_size > h->slot_size - CAMSERVER_SHM_SLOT_HEADER_SIZE) return -1;
  uint32_t n = h->write_index; /* only this writer stores it */
  struct camserver_shm_slot *s = camserver_shm_slot_at(ring, n);
  uint32_t q = s->seq_begin & ~1u;
  __atomic_store_n(&s->seq_begin, q + 1u, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_RELEASE);
  s->index = n;
  s->frame_number = f->frame_number;
  s->timestamp_us = f->timestamp_us;
  s->camera_id = f->camera_id;
  s->width = f->width;
  s->height = f->height;
  s->format = f->format;
  s->flags = f->flags;
  s->data_size = f->data_size;
  memcpy((uint8_t *)s + CAMSERVER_SHM_SLOT_HEADER_SIZE, f->data, f->data_size);
  __atomic_store_n(&s->seq_end, q + 2u, __ATOMIC_RELEASE);
  __atomic_store_n(&s->seq_begin, q + 2u, __ATOMIC_RELEASE);
  __atomic_store_n(&h->write_index, n + 1u, __ATOMIC_RELEASE);
  return 0;
}

#endif /* CAMSERVER_SHM_H */
