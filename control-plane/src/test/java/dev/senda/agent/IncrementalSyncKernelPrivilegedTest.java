package dev.senda.agent;

import dev.senda.datapath.Cleanup;
import dev.senda.datapath.Datapath;
import dev.senda.maps.TestSupport;
import dev.senda.maps.features.FeatureProbe;
import dev.senda.maps.size.MapSizes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@link IncrementalSyncScaleTest}'s scenario into the kernel's maps of a loaded datapath (default map
 * sizes of a 1 GiB node, which hold 10,000 Services x 10 endpoints): prints the cold sync and the
 * p50/p99 of one endpoint change, event to map written; asserts map contents only.
 */
@Tag("privileged")
class IncrementalSyncKernelPrivilegedTest {
    private Path root;

    @BeforeAll
    static void requireRoot() {
        TestSupport.requireRoot();
    }

    @BeforeEach
    void setUp() {
        root = Path.of("/sys/fs/bpf", "sdincr" + TestSupport.uniqueName().substring(2));
    }

    @AfterEach
    void tearDown() {
        Cleanup.run(root);
    }

    @Test
    void oneEndpointChangeAtTenThousandServicesInKernelMaps() throws Exception {
        MapSizes sizes = MapSizes.resolve(1L << 30, MapSizes.DEFAULT_RATIO, Map.of());
        try (Datapath datapath = Datapath.load(root, FeatureProbe.probe(), Optional.of(sizes))) {
            IncrementalSyncScaleTest.run(datapath.lbMaps(), "kernel maps");
        }
    }
}
