package com.chaojiyuyan.kernel.testing;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Base of the contract tests: each subclass runs once on SQLite and once on PostgreSQL, against a
 * real server started for that database (shared by the subclass's tests, which isolate themselves by
 * creating their own owners, agents and capabilities).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Db.class)
@Timeout(120)
public abstract class ContractTest {
    @Parameter
    protected Db db;

    protected static TestKernel kernel;

    @BeforeParameterizedClassInvocation
    static void startKernel(Db db) {
        kernel = TestKernel.start(db);
    }

    @AfterParameterizedClassInvocation
    static void stopKernel() {
        if (kernel != null) {
            kernel.close();
            kernel = null;
        }
    }
}
