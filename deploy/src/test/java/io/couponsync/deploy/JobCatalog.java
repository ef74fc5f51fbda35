package io.couponsync.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * The batch jobs the jobs application defines, as it declares them: each job's configuration class (one per job
 * package) publishes its job's name as {@code JOB_NAME}, the name it builds the job with.
 */
final class JobCatalog {

	private static final String JOBS_PACKAGE = "io.couponsync.jobs";

	private JobCatalog() {
	}

	static Set<String> jobNames() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(Configuration.class));
		Set<String> names = new TreeSet<>();
		for (BeanDefinition candidate : scanner.findCandidateComponents(JOBS_PACKAGE)) {
			Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), JobCatalog.class.getClassLoader());
			for (Field field : type.getDeclaredFields()) {
				if (field.getName().equals("JOB_NAME") && Modifier.isStatic(field.getModifiers())
						&& field.getType() == String.class) {
					try {
						field.setAccessible(true);
						names.add((String) field.get(null));
					}
					catch (IllegalAccessException ex) {
						throw new IllegalStateException(ex);
					}
				}
			}
		}
		return names;
	}
}
