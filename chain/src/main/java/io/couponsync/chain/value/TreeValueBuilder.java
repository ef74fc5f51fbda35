package io.couponsync.chain.value;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds plain Java values: objects as insertion-ordered maps keyed by IDL field names, Integer or Long for
 * integers that fit, BigInteger for u64 above Long.MAX_VALUE and for 128/256-bit integers, {@link PublicKey},
 * byte[], {@link EnumValue}, and null for None.
 */
public final class TreeValueBuilder implements ValueSink {

	private final Deque<Object> containers = new ArrayDeque<>();

	private final Deque<String> pendingNames = new ArrayDeque<>();

	private final Deque<String> enumVariants = new ArrayDeque<>();

	private Object result;

	private String pendingName;

	/** The value built since the last reset. */
	public Object result() {
		return result;
	}

	public void reset() {
		containers.clear();
		pendingNames.clear();
		enumVariants.clear();
		result = null;
		pendingName = null;
	}

	@Override
	public void beginObject() {
		pendingNames.push(pendingName == null ? "" : pendingName);
		pendingName = null;
		containers.push(new LinkedHashMap<String, Object>());
	}

	@Override
	public void name(FieldName name) {
		pendingName = name.idlName();
	}

	@Override
	public void endObject() {
		Object map = containers.pop();
		pendingName = restoreName();
		add(map);
	}

	@Override
	public void beginArray() {
		pendingNames.push(pendingName == null ? "" : pendingName);
		pendingName = null;
		containers.push(new ArrayList<>());
	}

	@Override
	public void endArray() {
		Object list = containers.pop();
		pendingName = restoreName();
		add(list);
	}

	@Override
	public void beginEnum(String variant, boolean unit) {
		enumVariants.push(variant);
		// why: the enum is a frame of its own so that its fields object lands in it, not in the parent
		pendingNames.push(pendingName == null ? "" : pendingName);
		pendingName = null;
		containers.push(new Object[1]);
	}

	@Override
	@SuppressWarnings("unchecked")
	public void endEnum() {
		Object[] slot = (Object[]) containers.pop();
		pendingName = restoreName();
		Map<String, Object> fields = slot[0] == null ? Map.of() : (Map<String, Object>) slot[0];
		add(new EnumValue(enumVariants.pop(), fields));
	}

	private String restoreName() {
		String name = pendingNames.pop();
		return name.isEmpty() ? null : name;
	}

	@Override
	public void nullValue() {
		add(null);
	}

	@Override
	public void boolValue(boolean value) {
		add(value);
	}

	@Override
	public void smallInteger(long value) {
		add(value == (int) value ? (Object) (int) value : (Object) value);
	}

	@Override
	public void integer64(long value, boolean unsigned) {
		if (unsigned && value < 0) {
			add(new BigInteger(Long.toUnsignedString(value)));
		}
		else {
			add(value);
		}
	}

	@Override
	public void bigInteger(BigInteger value) {
		add(value);
	}

	@Override
	public void float32(float value) {
		add(value);
	}

	@Override
	public void float64(double value) {
		add(value);
	}

	@Override
	public void string(String value) {
		add(value);
	}

	@Override
	public void pubkey(byte[] source, int offset) {
		add(new PublicKey(Arrays.copyOfRange(source, offset, offset + PublicKey.LENGTH)));
	}

	@Override
	public void bytes(byte[] source, int offset, int length) {
		add(Arrays.copyOfRange(source, offset, offset + length));
	}

	@SuppressWarnings("unchecked")
	private void add(Object value) {
		Object container = containers.peek();
		if (container == null) {
			result = value;
		}
		else if (container instanceof Map<?, ?> map) {
			((Map<String, Object>) map).put(pendingName, value);
			pendingName = null;
		}
		else if (container instanceof List<?> list) {
			((List<Object>) list).add(value);
		}
		else {
			((Object[]) container)[0] = value;
		}
	}
}
