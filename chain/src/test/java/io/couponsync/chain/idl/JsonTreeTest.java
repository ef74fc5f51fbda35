package io.couponsync.chain.idl;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The streaming tree reader builds the tree an ObjectMapper builds, and refuses what is not one JSON document. */
class JsonTreeTest {

	private static JsonNode read(String json) {
		return JsonTree.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void buildsTheTreeAnObjectMapperBuilds() {
		String json = """
				{"name": "x", "n": 7, "big": 5000000000, "huge": 123456789012345678901234567890, "f": 1.5,
				 "ok": true, "no": false, "none": null, "list": [1, "two", [3], {"four": 4}], "empty": {}, "é": "ü"}""";

		JsonNode tree = read(json);

		assertThat(tree).isEqualTo(JsonMapper.builder().build().readTree(json));
		assertThat(tree.get("n").isInt()).isTrue();
		assertThat(tree.get("big").isLong()).isTrue();
		assertThat(tree.get("huge").isBigInteger()).isTrue();
	}

	@Test
	void refusesWhatIsNotOneDocument() {
		assertThat(read("  ")).isNull();
		assertThatThrownBy(() -> read("{\"a\": 1} {\"b\": 2}")).isInstanceOf(JacksonException.class)
			.hasMessageContaining("Trailing token");
		assertThatThrownBy(() -> read("{\"a\": ")).isInstanceOf(JacksonException.class);
		assertThatThrownBy(() -> read("{not json")).isInstanceOf(JacksonException.class);
	}
}
