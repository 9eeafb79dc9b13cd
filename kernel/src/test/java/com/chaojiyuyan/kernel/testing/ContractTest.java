package com.chaojiyuyan.kernel.testing;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Base of the contract tests: each subclass runs once on SQLite and once on PostgreSQL, against a
 * real server started for that database (shared by the subclass's tests, which isolate themselves by
 * creating their own owners, agents and capabilities), with the class's {@link KernelSettings} if any.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Db.class)
@Timeout(120)
public abstract class ContractTest {
    @Parameter
    protected Db db;

    protected static TestKernel kernel;

    @BeforeParameterizedClassInvocation
    static void startKernel(Db db, TestInfo test) {
        Map<String, String> settings = new HashMap<>();
        KernelSettings annotation = test.getTestClass().map(c -> c.getAnnotation(KernelSettings.class)).orElse(null);
        if (annotation != null) {
            for (String pair : annotation.value()) {
                String[] nameAndValue = pair.split("=", 2);
                settings.put(nameAndValue[0], nameAndValue[1]);
            }
        }
        kernel = TestKernel.startOn(TestDatabases.fresh(db), new TestClock(), settings);
    }

    @AfterParameterizedClassInvocation
    static void stopKernel() {
        if (kernel != null) {
            kernel.close();
            kernel = null;
        }
    }
}
