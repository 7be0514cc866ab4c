package dev.senda.testbed.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.senda.model.EndpointSlice;
import dev.senda.model.Service;
import dev.senda.source.Kinds;
import dev.senda.source.YamlObjects;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The benchmark's Services take the directory source's shortcut (the kinds' tree readers, not the
 * fabric8 binding): the start benchmark measures the path the agent really takes for such files.
 */
class ServiceYamlFastPathTest {
    @Test
    void benchmarkServicesAndSlicesAreReadByTheTreeReaders() throws IOException, YamlObjects.ParseException {
        for (String node : new String[] {null, "node-1"}) {
            StringWriter w = new StringWriter();
            ServiceYaml.write(w, "bench", "svc-000001", "10.96.0.2", List.of("10.128.0.1", "10.128.0.2"), node);
            String text = w.toString();

            List<ObjectNode> docs = new ArrayList<>();
            try (MappingIterator<JsonNode> it = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(text)) {
                while (it.hasNext()) docs.add((ObjectNode) it.next());
            }
            assertEquals(2, docs.size());
            Service service = Kinds.SERVICE.treeReader().read(docs.get(0), UnaryOperator.identity())
                    .orElseThrow(() -> new AssertionError("the Service was declined: " + text));
            EndpointSlice slice = Kinds.ENDPOINT_SLICE.treeReader().read(docs.get(1), UnaryOperator.identity())
                    .orElseThrow(() -> new AssertionError("the EndpointSlice was declined: " + text));

            YamlObjects.Parsed parsed = YamlObjects.parse(text);
            assertEquals(List.of(service), parsed.services());
            assertEquals(List.of(slice), parsed.endpointSlices());
            assertEquals(2, slice.endpoints().size());
            assertEquals(node, slice.endpoints().getFirst().nodeName());
        }
    }
}
