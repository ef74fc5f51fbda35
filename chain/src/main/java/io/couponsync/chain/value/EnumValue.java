package io.couponsync.chain.value;

import java.util.Map;

/** An enum value in a decoded tree: the variant's name and its fields (empty for a unit variant). */
public record EnumValue(String variant, Map<String, Object> fields) {
}
