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
import java.util.LinkedHashMap;
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

	/** By config file name, the variables its placeholders name. */
	private final Map<String, Set<String>> placeholders = new LinkedHashMap<>();

	/** By config file name, the properties it sets. */
	private final Map<String, List<ConfigurationPropertyName>> properties = new LinkedHashMap<>();

	/** The properties Spring Boot's modules declare, which either application may be given. */
	private final List<ConfigurationPropertyName> springBootProperties = new ArrayList<>();

	private ApplicationConfiguration(Path configDirectory) {
		this.configDirectory = configDirectory;
	}

	static ApplicationConfiguration load(Path configDirectory) {
		ApplicationConfiguration configuration = new ApplicationConfiguration(configDirectory);
		try (Stream<Path> files = Files.list(configDirectory)) {
			for (Path file : files.filter(path -> path.toString().endsWith(".yml")).sorted().toList()) {
				String fileName = file.getFileName().toString();
				Set<String> named = configuration.placeholders.computeIfAbsent(fileName, f -> new LinkedHashSet<>());
				Matcher placeholder = PLACEHOLDER.matcher(Files.readString(file));
				while (placeholder.find()) {
					named.add(placeholder.group(1));
				}
				List<ConfigurationPropertyName> set = configuration.properties.computeIfAbsent(fileName,
						f -> new ArrayList<>());
				for (PropertySource<?> source : yaml(file)) {
					for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
						set.add(ConfigurationPropertyName.adapt(name, '.'));
					}
				}
			}
			configuration.springBootProperties.addAll(springBootProperties());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return configuration;
	}

	/** The environment variables named by a placeholder in the config files {@code application} reads. */
	Set<String> placeholders(Application application) {
		Set<String> named = new LinkedHashSet<>();
		filesOf(application).forEach(file -> named.addAll(placeholders.getOrDefault(file, Set.of())));
		return Collections.unmodifiableSet(named);
	}

	/** The number of properties an environment variable may set in {@code application}. */
	int propertyCount(Application application) {
		return propertiesOf(application).size();
	}

	/**
	 * Whether {@code application} reads this environment variable: a placeholder's in a config file it reads, or one
	 * binding a property such a file sets or Spring Boot declares.
	 */
	boolean reads(Application application, String variable) {
		if (placeholders(application).contains(variable)) {
			return true;
		}
		ConfigurationPropertySource source = environmentSource(Map.of(variable, "set"));
		return propertiesOf(application).stream().anyMatch(name -> source.getConfigurationProperty(name) != null);
	}

	/** The config files the application reads: the shared application.yml and its own. */
	private static List<String> filesOf(Application application) {
		return List.of("application.yml", application.ownConfigFile());
	}

	private List<ConfigurationPropertyName> propertiesOf(Application application) {
		List<ConfigurationPropertyName> names = new ArrayList<>(springBootProperties);
		filesOf(application).forEach(file -> names.addAll(properties.getOrDefault(file, List.of())));
		return names;
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
