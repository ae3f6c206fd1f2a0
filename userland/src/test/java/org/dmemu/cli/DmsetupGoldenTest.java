package org.dmemu.cli;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs every golden/dmsetup/*.txt session against a fresh kernel, byte-exact. */
class DmsetupGoldenTest {
    @TestFactory
    Stream<DynamicTest> sessions() throws Exception {
        return DmctlGoldenTest.sessions("dmsetup", Dmsetup::run);
    }
}
