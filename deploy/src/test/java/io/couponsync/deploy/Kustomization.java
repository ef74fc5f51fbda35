package io.couponsync.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.yaml.snakeyaml.Yaml;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * What {@code kustomize build} makes of a kustomization directory, for the fields these manifests use: resources
 * (files, or directories holding a kustomization), components, ConfigMap and Secret generators (files, env files,
 * literals) and image overrides (new name, tag or digest). Any other field fails the rendering, so a manifest never relies on something this check silently
 * ignores. Generated names keep no hash suffix: references name the generator, as they do in the sources, and
 * kustomize rewrites both alike.
 */
final class Kustomization {

	private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "resources", "components",
			"configMapGenerator", "secretGenerator", "images");

	private static final Set<String> GENERATOR_FIELDS = Set.of("name", "files", "envs", "literals");

	private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

	private final List<HasMetadata> resources = new ArrayList<>();

	private final Set<Path> manifestFiles = new LinkedHashSet<>();

	private final Set<Path> generatorFiles = new LinkedHashSet<>();

	private Kustomization() {
	}

	/** Renders the kustomization in {@code directory}. */
	static Kustomization render(Path directory) {
		Kustomization rendered = new Kustomization();
		rendered.include(directory, "Kustomization");
		return rendered;
	}

	/** The rendered objects, generated ones included. */
	List<HasMetadata> resources() {
		return resources;
	}

	<T extends HasMetadata> List<T> resources(Class<T> type) {
		return only(resources, type);
	}

	static <T extends HasMetadata> List<T> only(List<HasMetadata> resources, Class<T> type) {
		return resources.stream().filter(type::isInstance).map(type::cast).toList();
	}

	/** Every file read: kustomization files and manifests. */
	Set<Path> manifestFiles() {
		return manifestFiles;
	}

	/** The files the generators read. */
	Set<Path> generatorFiles() {
		return generatorFiles;
	}

	private void include(Path directory, String expectedKind) {
		Path file = directory.resolve("kustomization.yaml");
		if (!Files.isRegularFile(file)) {
			throw new IllegalArgumentException(directory + " holds no kustomization.yaml");
		}
		manifestFiles.add(file.toAbsolutePath().normalize());
		Map<String, Object> kustomization = yaml(file);
		Set<String> unsupported = new LinkedHashSet<>(kustomization.keySet());
		unsupported.removeAll(FIELDS);
		if (!unsupported.isEmpty()) {
			throw new IllegalArgumentException(file + ": fields " + unsupported + " are not rendered by this check");
		}
		if (!expectedKind.equals(kustomization.get("kind"))) {
			throw new IllegalArgumentException(file + ": kind " + kustomization.get("kind") + ", expected "
					+ expectedKind);
		}
		for (String resource : strings(kustomization, "resources")) {
			Path path = directory.resolve(resource).normalize();
			if (Files.isDirectory(path)) {
				include(path, "Kustomization");
			}
			else {
				read(path);
			}
		}
		for (String component : strings(kustomization, "components")) {
			include(directory.resolve(component).normalize(), "Component");
		}
		for (Map<String, Object> generator : generators(kustomization, "configMapGenerator", file)) {
			resources.add(new ConfigMapBuilder().withNewMetadata().withName(name(generator, file)).endMetadata()
				.withData(generatedData(directory, generator)).build());
		}
		for (Map<String, Object> generator : generators(kustomization, "secretGenerator", file)) {
			resources.add(new SecretBuilder().withNewMetadata().withName(name(generator, file)).endMetadata()
				.withStringData(generatedData(directory, generator)).build());
		}
		for (Map<String, Object> image : Kustomization.<Map<String, Object>>list(kustomization, "images")) {
			overrideImage(image, file);
		}
	}

	/** An {@code images} entry: every container running {@code name} gets its new name, tag or digest. */
	private void overrideImage(Map<String, Object> image, Path file) {
		Set<String> unsupported = new LinkedHashSet<>(image.keySet());
		unsupported.removeAll(Set.of("name", "newName", "newTag", "digest"));
		if (!unsupported.isEmpty() || !(image.get("name") instanceof String name)) {
			throw new IllegalArgumentException(file + ": images entry " + image + " is not rendered by this check");
		}
		for (HasMetadata resource : resources) {
			for (Container container : Workload.containers(resource)) {
				String current = container.getImage();
				int tagAt = current.indexOf('@') >= 0 ? current.indexOf('@') : current.lastIndexOf(':');
				boolean tagged = tagAt > current.lastIndexOf('/');
				String currentName = tagged ? current.substring(0, tagAt) : current;
				if (!currentName.equals(name)) {
					continue;
				}
				String newName = image.get("newName") instanceof String text ? text : currentName;
				String suffix = tagged ? current.substring(tagAt) : "";
				if (image.get("newTag") != null) {
					suffix = ":" + image.get("newTag");
				}
				if (image.get("digest") != null) {
					suffix = "@" + image.get("digest");
				}
				container.setImage(newName + suffix);
			}
		}
	}

	private void read(Path file) {
		if (!Files.isRegularFile(file)) {
			throw new IllegalArgumentException(file + " does not exist");
		}
		manifestFiles.add(file.toAbsolutePath().normalize());
		try (InputStream in = Files.newInputStream(file)) {
			Object parsed = SERIALIZATION.unmarshal(in);
			if (parsed instanceof List<?> documents) {
				documents.forEach(document -> resources.add((HasMetadata) document));
			}
			else {
				resources.add((HasMetadata) parsed);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A generator's entries: files ({@code [key=]path}, the key defaulting to the file's name), env files, literals. */
	private Map<String, String> generatedData(Path directory, Map<String, Object> generator) {
		Map<String, String> data = new LinkedHashMap<>();
		for (String entry : strings(generator, "files")) {
			int equals = entry.indexOf('=');
			Path path = directory.resolve(equals < 0 ? entry : entry.substring(equals + 1)).normalize();
			data.put(equals < 0 ? path.getFileName().toString() : entry.substring(0, equals), text(path));
		}
		for (String envFile : strings(generator, "envs")) {
			Path path = directory.resolve(envFile).normalize();
			text(path).lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
				.forEach(line -> putPair(data, line, path));
		}
		for (String literal : strings(generator, "literals")) {
			putPair(data, literal, directory);
		}
		return data;
	}

	private String text(Path file) {
		if (!Files.isRegularFile(file)) {
			throw new IllegalArgumentException("generator file " + file + " does not exist");
		}
		generatorFiles.add(file.toAbsolutePath().normalize());
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void putPair(Map<String, String> data, String pair, Path source) {
		int equals = pair.indexOf('=');
		if (equals <= 0) {
			throw new IllegalArgumentException(source + ": '" + pair + "' is not KEY=value");
		}
		data.put(pair.substring(0, equals), pair.substring(equals + 1));
	}

	private static List<Map<String, Object>> generators(Map<String, Object> kustomization, String field, Path file) {
		List<Map<String, Object>> generators = list(kustomization, field);
		for (Map<String, Object> generator : generators) {
			Set<String> unsupported = new LinkedHashSet<>(generator.keySet());
			unsupported.removeAll(GENERATOR_FIELDS);
			if (!unsupported.isEmpty()) {
				throw new IllegalArgumentException(file + ": " + field + " fields " + unsupported
						+ " are not rendered by this check");
			}
		}
		return generators;
	}

	private static String name(Map<String, Object> generator, Path file) {
		Object name = generator.get("name");
		if (!(name instanceof String text) || text.isBlank()) {
			throw new IllegalArgumentException(file + ": a generator without a name");
		}
		return text;
	}

	private static List<String> strings(Map<String, Object> map, String field) {
		return list(map, field);
	}

	@SuppressWarnings("unchecked")
	private static <T> List<T> list(Map<String, Object> map, String field) {
		Object value = map.get(field);
		return value == null ? List.of() : (List<T>) value;
	}

	private static Map<String, Object> yaml(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			return new Yaml().load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
