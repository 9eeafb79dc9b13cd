package com.chaojiyuyan.kernel.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Extra {@code CHAOJIYUYAN_*} settings for the kernel a {@link ContractTest} class runs against, as
 * {@code NAME=value} pairs: e.g. {@code @KernelSettings("CHAOJIYUYAN_DEVICE_POLL_INTERVAL_SECONDS=1")}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
public @interface KernelSettings {
    String[] value();
}
