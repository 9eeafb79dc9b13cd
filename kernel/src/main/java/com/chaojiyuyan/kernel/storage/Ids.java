package com.chaojiyuyan.kernel.storage;

import java.security.SecureRandom;

/**
 * Prefixed, time-sortable identifiers: {@code job_01JD3Q...} (a ULID: 48-bit millisecond time and
 * 80 random bits in Crockford base32). Sorting ids sorts by creation time, which cursor pagination uses.
 */
public final class Ids {
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** Per prefix: the last id's time and random part, so ids made in one millisecond still sort in order. */
    private static final class Sequence {
        long millis = -1;
        long hi;   // upper 40 of the 80 random bits
        long lo;   // lower 40
    }

    private static final java.util.Map<String, Sequence> SEQUENCES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long MASK_40 = (1L << 40) - 1;

    /**
     * A new id. Within one millisecond (or if the clock steps back) the random part of the previous id
     * is incremented instead of drawn afresh, so ids of one node are strictly increasing: "newest first"
     * never depends on chance. Different nodes still interleave by time only, as ULIDs do.
     */
    public static String newId(String prefix, long epochMillis) {
        long time;
        long hi;
        long lo;
        Sequence seq = SEQUENCES.computeIfAbsent(prefix, p -> new Sequence());
        synchronized (seq) {
            if (epochMillis > seq.millis) {
                byte[] random = new byte[10];
                RANDOM.nextBytes(random);
                seq.millis = epochMillis;
                seq.hi = ((random[0] & 0xFFL) << 32) | ((random[1] & 0xFFL) << 24) | ((random[2] & 0xFFL) << 16)
                        | ((random[3] & 0xFFL) << 8) | (random[4] & 0xFFL);
                seq.lo = ((random[5] & 0xFFL) << 32) | ((random[6] & 0xFFL) << 24) | ((random[7] & 0xFFL) << 16)
                        | ((random[8] & 0xFFL) << 8) | (random[9] & 0xFFL);
            } else {
                seq.lo = (seq.lo + 1) & MASK_40;
                if (seq.lo == 0) {
                    seq.hi = (seq.hi + 1) & MASK_40;
                    if (seq.hi == 0) {
                        seq.millis++; // 2^80 ids in one millisecond: borrow the next one
                    }
                }
            }
            time = seq.millis;
            hi = seq.hi;
            lo = seq.lo;
        }
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (time & 31)];
            time >>>= 5;
        }
        for (int i = 17; i >= 10; i--) {
            out[i] = CROCKFORD[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = CROCKFORD[(int) (lo & 31)];
            lo >>>= 5;
        }
        return prefix + "_" + new String(out);
    }

    /** True when {@code id} has the shape of an id with this prefix; cheap rejection of garbage ids. */
    public static boolean looksLike(String prefix, String id) {
        if (id == null || id.length() != prefix.length() + 27 || !id.startsWith(prefix + "_")) {
            return false;
        }
        for (int i = prefix.length() + 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        return true;
    }
}
