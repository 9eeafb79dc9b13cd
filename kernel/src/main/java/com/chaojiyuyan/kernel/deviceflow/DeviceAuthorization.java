package com.chaojiyuyan.kernel.deviceflow;

/** One code pair as stored (the device code only as its hash). */
record DeviceAuthorization(
        String id,
        String userCode,
        String clientName,
        String clientId,
        String scope,
        Status status,
        String ownerId,
        String agentId,
        int intervalSeconds,
        long createdAt,
        long expiresAt,
        Long lastPolledAt) {

    enum Status {
        PENDING, APPROVED, DENIED, EXCHANGED;

        String sql() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Status of(String sql) {
            return valueOf(sql.toUpperCase(java.util.Locale.ROOT));
        }
    }

    boolean expiredAt(long now) {
        return now >= expiresAt;
    }
}
