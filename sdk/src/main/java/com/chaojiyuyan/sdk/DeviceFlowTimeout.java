package com.chaojiyuyan.sdk;

/** The device-flow login was not approved within the allowed time (the caller's limit or the code's lifetime). */
public class DeviceFlowTimeout extends HebingError {
    /** A timeout with a message. */
    public DeviceFlowTimeout(String message) {
        super(message);
    }
}
