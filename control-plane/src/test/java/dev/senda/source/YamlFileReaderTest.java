package dev.senda.source;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class YamlFileReaderTest {
    @TempDir
    Path dir;

    private final YamlFileReader reader = new YamlFileReader(1024, "--the-flag", Kinds.ALL);

    private static final String SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n";

    @Test
    void unchangedContentIsNotParsedAgainAndAnyChangeIs() throws IOException {
        Path file = dir.resolve("a.yaml");
        Files.writeString(file, SERVICE);
        var first = assertInstanceOf(YamlFileReader.Read.class, reader.read(file, null));
        assertEquals(1, first.parsed().services().size());
        assertInstanceOf(YamlFileReader.Unchanged.class, reader.read(file, first.key()));

        // Same size, same second: only the content tells.
        Files.writeString(file, SERVICE.replace("name: a", "name: b"));
        var second = assertInstanceOf(YamlFileReader.Read.class, reader.read(file, first.key()));
        assertNotEquals(first.key(), second.key());
        assertEquals("b", second.parsed().services().getFirst().ref().name());
    }

    @Test
    void aBrokenFileKeepsOneKeyPerContent() throws IOException {
        Path file = dir.resolve("a.yaml");
        Files.writeString(file, "metadata: [unclosed\n");
        var first = assertInstanceOf(YamlFileReader.Refused.class, reader.read(file, null));
        assertEquals(RejectedFile.Reason.UNPARSABLE, first.reason());
        assertInstanceOf(YamlFileReader.Unchanged.class, reader.read(file, first.key()),
                "the same broken content is not parsed (nor logged) again");
    }

    @Test
    void aFileAboveTheBoundIsRefusedUnread() throws IOException {
        Path file = dir.resolve("big.yaml");
        Files.writeString(file, SERVICE + "#" + "x".repeat(2000) + "\n");
        var refused = assertInstanceOf(YamlFileReader.Refused.class, reader.read(file, null));
        assertEquals(RejectedFile.Reason.TOO_LARGE, refused.reason());
        assertTrue(refused.detail().matches("\\d+ bytes, above the limit of 1024 bytes; raise --the-flag to read it"),
                refused.detail());
    }

    @Test
    void aFileThatGrowsPastTheBoundWhileReadIsRefusedToo() {
        // /dev/zero reports size 0 and never ends: only the bound on the stream stops the read.
        var refused = assertInstanceOf(YamlFileReader.Refused.class, reader.read(Path.of("/dev/zero"), null));
        assertEquals(RejectedFile.Reason.TOO_LARGE, refused.reason());
        assertTrue(refused.detail().contains("grew while read"), refused.detail());
    }
}
