package com.chaojiyuyan.cli;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import java.util.Map;

/**
 * One real kernel (in-process, random port, SQLite) for all the command tests: the CLI's behaviour does not
 * depend on the database, and each test isolates itself with its own owners, agents and capabilities.
 * Device-flow polls every second, so a login test waits one second, not five.
 */
final class SharedKernel {
    private static TestKernel kernel;

    private SharedKernel() {
    }

    static synchronized TestKernel get() {
        if (kernel == null) {
            kernel = TestKernel.startOn(TestDatabases.fresh(Db.SQLITE), new TestClock(),
                    Map.of("CHAOJIYUYAN_DEVICE_POLL_INTERVAL_SECONDS", "1"));
            Runtime.getRuntime().addShutdownHook(new Thread(kernel::close, "test-kernel-stop"));
        }
        return kernel;
    }

    static String apiUrl() {
        return get().server().apiUrl();
    }
}
