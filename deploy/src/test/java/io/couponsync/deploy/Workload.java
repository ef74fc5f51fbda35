package io.couponsync.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;

/** A rendered object that runs pods (Deployment, StatefulSet, CronJob), with what its containers get. */
record Workload(String kind, String name, PodSpec pod) {

	static List<Workload> of(Kustomization rendered) {
		return of(rendered.resources());
	}

	private static List<Workload> of(List<HasMetadata> resources) {
		List<Workload> workloads = new ArrayList<>();
		Kustomization.only(resources, Deployment.class).forEach(deployment -> workloads.add(new Workload("Deployment",
				deployment.getMetadata().getName(), deployment.getSpec().getTemplate().getSpec())));
		Kustomization.only(resources, StatefulSet.class).forEach(statefulSet -> workloads.add(new Workload("StatefulSet",
				statefulSet.getMetadata().getName(), statefulSet.getSpec().getTemplate().getSpec())));
		Kustomization.only(resources, CronJob.class).forEach(cronJob -> workloads.add(new Workload("CronJob",
				cronJob.getMetadata().getName(),
				cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec())));
		return workloads;
	}

	/** The containers (init containers included) of an object that runs pods; none for any other object. */
	static List<Container> containers(HasMetadata resource) {
		return of(List.of(resource)).stream().flatMap(workload -> workload.allContainers().stream()).toList();
	}

	/** Its containers, init containers included. */
	List<Container> allContainers() {
		List<Container> containers = new ArrayList<>(pod.getContainers());
		containers.addAll(pod.getInitContainers());
		return containers;
	}

	/** Its containers (init containers included) that run one of our applications. */
	List<Container> applicationContainers() {
		return allContainers().stream().filter(container -> Application.ofImage(container.getImage()).isPresent()).toList();
	}

	static Application application(Container container) {
		return Application.ofImage(container.getImage()).orElseThrow();
	}

	/**
	 * The environment variables the container gets, with their values; one taken from a Secret or a field has the
	 * value {@code <valueFrom>}. Whole ConfigMaps and Secrets ({@code envFrom}) count with the keys the rendering
	 * generated; one managed outside the kustomization adds variables unknown here.
	 */
	static Map<String, String> environment(Container container, Kustomization rendered) {
		Map<String, String> variables = new LinkedHashMap<>();
		for (EnvFromSource source : container.getEnvFrom()) {
			String prefix = source.getPrefix() == null ? "" : source.getPrefix();
			if (source.getConfigMapRef() != null) {
				generatedConfigMap(rendered, source.getConfigMapRef().getName())
					.ifPresent(map -> map.getData().forEach((key, value) -> variables.put(prefix + key, value)));
			}
			if (source.getSecretRef() != null) {
				generatedSecret(rendered, source.getSecretRef().getName())
					.ifPresent(secret -> secret.getStringData().forEach((key, value) -> variables.put(prefix + key, value)));
			}
		}
		for (EnvVar variable : container.getEnv()) {
			variables.put(variable.getName(), variable.getValueFrom() == null ? variable.getValue() : "<valueFrom>");
		}
		return variables;
	}

	static Optional<ConfigMap> generatedConfigMap(Kustomization rendered, String name) {
		return rendered.resources(ConfigMap.class).stream().filter(map -> map.getMetadata().getName().equals(name))
			.findFirst();
	}

	static Optional<Secret> generatedSecret(Kustomization rendered, String name) {
		return rendered.resources(Secret.class).stream().filter(secret -> secret.getMetadata().getName().equals(name))
			.findFirst();
	}
}
