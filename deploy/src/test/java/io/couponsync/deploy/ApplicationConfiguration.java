package io.couponsync.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the applications read from their environment, derived from what they are made of rather than listed by hand:
 * the {@code ${VARIABLE:default}} placeholders of {@code config/*.yml}, and every property an environment variable
 * can set through Spring Boot's relaxed binding — the properties {@code config/*.yml} sets and those Spring Boot's
 * modules on the applications' class path declare in their configuration metadata.
 */
final class ApplicationConfiguration {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?}");

	private final Path configDirectory;

	private final Set<String> placeholders = new LinkedHashSet<>();

	private final List<ConfigurationPropertyName> properties = new ArrayList<>();

	private ApplicationConfiguration(Path configDirectory) {
		this.configDirectory = configDirectory;
	}

	static ApplicationConfiguration load(Path configDirectory) {
		ApplicationConfiguration configuration = new ApplicationConfiguration(configDirectory);
		try (Stream<Path> files = Files.list(configDirectory)) {
			for (Path file : files.filter(path -> path.toString().endsWith(".yml")).sorted().toList()) {
				Matcher placeholder = PLACEHOLDER.matcher(Files.readString(file));
				while (placeholder.find()) {
					configuration.placeholders.add(placeholder.group(1));
				}
				for (PropertySource<?> source : yaml(file)) {
					for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
						configuration.properties.add(ConfigurationPropertyName.adapt(name, '.'));
					}
				}
			}
			configuration.properties.addAll(springBootProperties());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return configuration;
	}

	/** The environment variables named by a placeholder in config/. */
	Set<String> placeholders() {
		return Collections.unmodifiableSet(placeholders);
	}

	/** The number of properties an environment variable may set. */
	int propertyCount() {
		return properties.size();
	}

	/** Whether the applications read this environment variable: a placeholder's, or one binding a known property. */
	boolean reads(String variable) {
		if (placeholders.contains(variable)) {
			return true;
		}
		ConfigurationPropertySource source = environmentSource(Map.of(variable, "set"));
		return properties.stream().anyMatch(name -> source.getConfigurationProperty(name) != null);
	}

	/**
	 * The application's environment as Spring Boot builds it in the container: these environment variables over its
	 * own config file over application.yml (the working directory's config/, as the image and the ConfigMap lay it
	 * out), placeholders resolved and relaxed binding applied.
	 */
	Environment environment(Application application, Map<String, String> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		MutablePropertySources sources = environment.getPropertySources();
		sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
		sources.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new HashMap<>(variables)));
		yaml(configDirectory.resolve(application.ownConfigFile())).forEach(sources::addLast);
		yaml(configDirectory.resolve("application.yml")).forEach(sources::addLast);
		ConfigurationPropertySources.attach(environment);
		return environment;
	}

	private static ConfigurationPropertySource environmentSource(Map<String, Object> variables) {
		return ConfigurationPropertySources.from(new SystemEnvironmentPropertySource(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)).iterator().next();
	}

	private static List<PropertySource<?>> yaml(Path file) {
		try {
			return new YamlPropertySourceLoader().load(file.getFileName().toString(), new FileSystemResource(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The properties declared by the configuration metadata of every module on the class path. */
	private static List<ConfigurationPropertyName> springBootProperties() throws IOException {
		List<ConfigurationPropertyName> names = new ArrayList<>();
		JsonMapper json = JsonMapper.builder().build();
		var resources = ApplicationConfiguration.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		while (resources.hasMoreElements()) {
			URL resource = resources.nextElement();
			try (InputStream in = resource.openStream()) {
				for (JsonNode property : json.readTree(in).path("properties")) {
					names.add(ConfigurationPropertyName.adapt(property.path("name").asString(), '.'));
				}
			}
		}
		return names;
	}
}
