package com.chaojiyuyan.sdk.internal;

/** The SDK's version, sent in the User-Agent. Not public API. */
public final class SdkVersion {
    public static final String VERSION = version();

    private SdkVersion() {
    }

    private static String version() {
        String v = SdkVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
