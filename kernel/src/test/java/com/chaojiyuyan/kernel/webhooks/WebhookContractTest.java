package com.chaojiyuyan.kernel.webhooks;

import com.chaojiyuyan.kernel.testing.Db;
import com.chaojiyuyan.kernel.testing.TestClock;
import com.chaojiyuyan.kernel.testing.TestDatabases;
import com.chaojiyuyan.kernel.testing.TestKernel;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Like {@code ContractTest} (each subclass on SQLite and on PostgreSQL, one real server per database),
 * with webhook targets on loopback allowed, since the receivers are.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Db.class)
@Timeout(120)
abstract class WebhookContractTest {
    @Parameter
    protected Db db;

    protected static TestKernel kernel;

    @BeforeParameterizedClassInvocation
    static void startKernel(Db db) {
        kernel = TestKernel.startOn(TestDatabases.fresh(db), new TestClock(), WebhookTestKernel.ALLOW_PRIVATE);
    }

    @AfterParameterizedClassInvocation
    static void stopKernel() {
        if (kernel != null) {
            kernel.close();
            kernel = null;
        }
    }
}
