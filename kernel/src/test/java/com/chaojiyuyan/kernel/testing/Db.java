package com.chaojiyuyan.kernel.testing;

/** The databases every contract test runs on. */
public enum Db {
    SQLITE, POSTGRES
}
