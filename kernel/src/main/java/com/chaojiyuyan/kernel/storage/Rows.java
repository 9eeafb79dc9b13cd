package com.chaojiyuyan.kernel.storage;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Column reads that mean the same on both drivers (SQLite returns Integer for small BIGINT values). */
public final class Rows {
    private Rows() {
    }

    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    public static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
