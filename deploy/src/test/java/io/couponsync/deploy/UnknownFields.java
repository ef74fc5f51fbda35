package io.couponsync.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The fields of a parsed manifest that the Kubernetes model does not know (a misspelt {@code concurencyPolicy}, a
 * field at the wrong level): fabric8 keeps them aside as additional properties instead of failing, and Kubernetes
 * would drop or reject them.
 */
final class UnknownFields {

	private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

	private UnknownFields() {
	}

	/** Paths ({@code spec.jobTemplate.x}) of the unknown fields in a model object. */
	static List<String> of(Object model) {
		List<String> found = new ArrayList<>();
		collect(model, "", found);
		return found;
	}

	private static void collect(Object value, String path, List<String> found) {
		if (value instanceof Collection<?> items) {
			int index = 0;
			for (Object item : items) {
				collect(item, path + "[" + index++ + "]", found);
			}
			return;
		}
		if (value instanceof Map<?, ?> entries) {
			entries.forEach((key, item) -> collect(item, path + "[" + key + "]", found));
			return;
		}
		if (value == null || !value.getClass().getPackageName().startsWith(MODEL_PACKAGE)) {
			return;
		}
		for (Method getter : value.getClass().getMethods()) {
			if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
					|| getter.getDeclaringClass() == Object.class) {
				continue;
			}
			Object property = invoke(getter, value);
			String name = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
			if (name.equals("additionalProperties")) {
				if (property instanceof Map<?, ?> unknown) {
					unknown.keySet().forEach(key -> found.add(path + (path.isEmpty() ? "" : ".") + key));
				}
			}
			else {
				collect(property, path + (path.isEmpty() ? "" : ".") + name, found);
			}
		}
	}

	private static Object invoke(Method getter, Object target) {
		try {
			return getter.invoke(target);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException(getter + ": " + ex.getMessage(), ex);
		}
	}
}
