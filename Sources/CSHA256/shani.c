/* SHA-256 with the x86 SHA extensions. Each function carries its own target attribute, so the package builds
   without -march flags; callers check hashsec_cpu_has_sha_ni() (the wrappers below do it themselves). */
#include "csha256.h"

#if defined(__x86_64__)
#include <immintrin.h>

static const uint32_t K256[64] __attribute__((aligned(16))) = {
    0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,
    0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,
    0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
    0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,
    0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,
    0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
    0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,
    0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2 };

#define SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

/* Four rounds 4i..4i+3 with message vector CUR; NEXT/PREV get the schedule updates when the flags are set. */
#define QR(i, CUR) do { MSG = _mm_add_epi32(CUR, _mm_load_si128((const __m128i *)&K256[4 * (i)])); \
    S1 = _mm_sha256rnds2_epu32(S1, S0, MSG); } while (0)
#define QR2() do { MSG = _mm_shuffle_epi32(MSG, 0x0E); S0 = _mm_sha256rnds2_epu32(S0, S1, MSG); } while (0)
#define SCHED2(NEXT, CUR, PREV) do { TMP = _mm_alignr_epi8(CUR, PREV, 4); NEXT = _mm_add_epi32(NEXT, TMP); \
    NEXT = _mm_sha256msg2_epu32(NEXT, CUR); } while (0)
#define SCHED1(PREV, CUR) do { PREV = _mm_sha256msg1_epu32(PREV, CUR); } while (0)

/* One compression on state in (ABEF, CDGH) form with message words already in host order (M0 = W0..W3 etc.). */
static inline SHA_TARGET void shani_rounds(__m128i *abef, __m128i *cdgh, __m128i M0, __m128i M1, __m128i M2, __m128i M3) {
    __m128i S0 = *abef, S1 = *cdgh, MSG, TMP;
    const __m128i A0 = S0, C0 = S1;
    QR(0, M0); QR2();
    QR(1, M1); QR2(); SCHED1(M0, M1);
    QR(2, M2); QR2(); SCHED1(M1, M2);
    QR(3, M3); SCHED2(M0, M3, M2); QR2(); SCHED1(M2, M3);
    QR(4, M0); SCHED2(M1, M0, M3); QR2(); SCHED1(M3, M0);
    QR(5, M1); SCHED2(M2, M1, M0); QR2(); SCHED1(M0, M1);
    QR(6, M2); SCHED2(M3, M2, M1); QR2(); SCHED1(M1, M2);
    QR(7, M3); SCHED2(M0, M3, M2); QR2(); SCHED1(M2, M3);
    QR(8, M0); SCHED2(M1, M0, M3); QR2(); SCHED1(M3, M0);
    QR(9, M1); SCHED2(M2, M1, M0); QR2(); SCHED1(M0, M1);
    QR(10, M2); SCHED2(M3, M2, M1); QR2(); SCHED1(M1, M2);
    QR(11, M3); SCHED2(M0, M3, M2); QR2(); SCHED1(M2, M3);
    QR(12, M0); SCHED2(M1, M0, M3); QR2(); SCHED1(M3, M0);
    QR(13, M1); SCHED2(M2, M1, M0); QR2();
    QR(14, M2); SCHED2(M3, M2, M1); QR2();
    QR(15, M3); QR2();
    *abef = _mm_add_epi32(S0, A0);
    *cdgh = _mm_add_epi32(S1, C0);
}

static inline SHA_TARGET void to_abef(const uint32_t st[8], __m128i *abef, __m128i *cdgh) {
    __m128i tmp = _mm_loadu_si128((const __m128i *)&st[0]);
    __m128i s1 = _mm_loadu_si128((const __m128i *)&st[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);
    s1 = _mm_shuffle_epi32(s1, 0x1B);
    *abef = _mm_alignr_epi8(tmp, s1, 8);
    *cdgh = _mm_blend_epi16(s1, tmp, 0xF0);
}

/* (ABEF, CDGH) -> linear [A,B,C,D], [E,F,G,H]. */
static inline SHA_TARGET void from_abef(__m128i abef, __m128i cdgh, __m128i *lo, __m128i *hi) {
    __m128i tmp = _mm_shuffle_epi32(abef, 0x1B);
    __m128i s1 = _mm_shuffle_epi32(cdgh, 0xB1);
    *lo = _mm_blend_epi16(tmp, s1, 0xF0);
    *hi = _mm_alignr_epi8(s1, tmp, 8);
}

static SHA_TARGET void compress_blocks(uint32_t state[8], const uint8_t *data, size_t blocks) {
    const __m128i MASK = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abef, cdgh, lo, hi;
    to_abef(state, &abef, &cdgh);
    for (size_t b = 0; b < blocks; b++, data += 64) {
        __m128i M0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 0)), MASK);
        __m128i M1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16)), MASK);
        __m128i M2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 32)), MASK);
        __m128i M3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 48)), MASK);
        shani_rounds(&abef, &cdgh, M0, M1, M2, M3);
    }
    from_abef(abef, cdgh, &lo, &hi);
    _mm_storeu_si128((__m128i *)&state[0], lo);
    _mm_storeu_si128((__m128i *)&state[4], hi);
}

static inline uint32_t load_be32(const uint8_t *p) { return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24; }

static SHA_TARGET long scan(const uint32_t midstate[8], const uint8_t tail[12], uint32_t start, uint64_t count,
                            const uint32_t *target, uint32_t *found, size_t capacity) {
    static const uint32_t IV[8] = { 0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19 };
    __m128i mabef, mcdgh, ivabef, ivcdgh;
    to_abef(midstate, &mabef, &mcdgh);
    to_abef(IV, &ivabef, &ivcdgh);
    const uint32_t w0 = load_be32(tail), w1 = load_be32(tail + 4), w2 = load_be32(tail + 8);
    const __m128i B1 = _mm_set_epi32(0, 0, 0, (int)0x80000000u);          /* second block: W4..W7 */
    const __m128i Z = _mm_setzero_si128();
    const __m128i B3 = _mm_set_epi32(640, 0, 0, 0);                      /* length 80 bytes */
    const __m128i D3 = _mm_set_epi32(256, 0, 0, 0);                      /* length 32 bytes */
    uint32_t t7 = target ? target[7] : 0;
    long hits = 0;
    uint32_t nonce = start;
    for (uint64_t k = 0; k < count; k++, nonce++) {
        /* the header stores the nonce little-endian; as a big-endian message word it is byte-swapped */
        uint32_t wn = __builtin_bswap32(nonce);
        __m128i a = mabef, c = mcdgh;
        shani_rounds(&a, &c, _mm_set_epi32((int)wn, (int)w2, (int)w1, (int)w0), B1, Z, B3);
        __m128i lo, hi;
        from_abef(a, c, &lo, &hi);
        __m128i a2 = ivabef, c2 = ivcdgh;
        shani_rounds(&a2, &c2, lo, hi, B1, D3);
        if (!target) continue;
        /* the hash bytes are the big-endian state words; as a little-endian number limb j = bswap(H[j]) */
        __m128i l2, h2;
        from_abef(a2, c2, &l2, &h2);
        uint32_t h7 = __builtin_bswap32((uint32_t)_mm_extract_epi32(h2, 3));
        if (h7 > t7) continue;
        uint32_t H[8];
        _mm_storeu_si128((__m128i *)&H[0], l2);
        _mm_storeu_si128((__m128i *)&H[4], h2);
        int le = 1;
        for (int j = 7; j >= 0; j--) {
            uint32_t v = __builtin_bswap32(H[j]);
            if (v < target[j]) { le = 1; break; }
            if (v > target[j]) { le = 0; break; }
        }
        if (le) { if ((size_t)hits < capacity) found[hits] = nonce; hits++; }
    }
    return hits;
}

static int sha_ni_cached = -1;   /* a benign race: every thread computes the same value */
static inline int have_sha_ni(void) {
    if (sha_ni_cached < 0) sha_ni_cached = hashsec_cpu_has_sha_ni();
    return sha_ni_cached;
}

/* Calibration (checksum: XOR over all compressions of words F ^ H): `count` single compressions of independent blocks (each from the initial state, message = counter),
   so consecutive compressions may overlap in the CPU pipeline: the throughput limit of the compression unit. */
static SHA_TARGET uint32_t calibrate(uint64_t count) {
    static const uint32_t IV[8] = { 0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19 };
    __m128i ivabef, ivcdgh, acc = _mm_setzero_si128();
    to_abef(IV, &ivabef, &ivcdgh);
    const __m128i Z = _mm_setzero_si128(), L = _mm_set_epi32(512, 0, 0, 0);
    for (uint64_t i = 0; i < count; i++) {
        __m128i a = ivabef, c = ivcdgh;
        shani_rounds(&a, &c, _mm_set_epi32(0, 0, (int)(uint32_t)(i >> 32), (int)(uint32_t)i), Z, Z, L);
        acc = _mm_xor_si128(acc, _mm_xor_si128(a, c));
    }
    return (uint32_t)_mm_cvtsi128_si32(acc);
}

long hashsec_calibrate_shani(uint64_t count, uint32_t *sink) {
    if (!have_sha_ni()) return -1;
    *sink = calibrate(count);
    return 0;
}

int hashsec_sha256_compress_shani(uint32_t state[8], const uint8_t *data, size_t blocks) {
    if (!have_sha_ni()) return 0;
    compress_blocks(state, data, blocks);
    return 1;
}

long hashsec_scan_shani(const uint32_t midstate[8], const uint8_t tail[12], uint32_t start, uint64_t count,
                        const uint32_t *target, uint32_t *found, size_t capacity) {
    if (!have_sha_ni()) return -1;
    return scan(midstate, tail, start, count, target, found, capacity);
}
#else
long hashsec_calibrate_shani(uint64_t count, uint32_t *sink) { (void)count; (void)sink; return -1; }
int hashsec_sha256_compress_shani(uint32_t state[8], const uint8_t *data, size_t blocks) {
    (void)state; (void)data; (void)blocks; return 0;
}
long hashsec_scan_shani(const uint32_t midstate[8], const uint8_t tail[12], uint32_t start, uint64_t count,
                        const uint32_t *target, uint32_t *found, size_t capacity) {
    (void)midstate; (void)tail; (void)start; (void)count; (void)target; (void)found; (void)capacity; return -1;
}
#endif
