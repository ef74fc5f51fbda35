package io.couponsync.deploy;

import java.util.Optional;

/** The applications the manifests deploy, told apart by their container image, with the config file each imports. */
enum Application {

	LISTENER("coupon-sync-listener", "listener.yml"), JOBS("coupon-sync-jobs", "jobs.yml");

	private final String imageName;

	private final String ownConfigFile;

	Application(String imageName, String ownConfigFile) {
		this.imageName = imageName;
		this.ownConfigFile = ownConfigFile;
	}

	/** The config/ file the application imports on top of the shared application.yml. */
	String ownConfigFile() {
		return ownConfigFile;
	}

	/**
	 * The application an image reference ({@code [registry/path/]name[:tag][@digest]}) runs, if it is one of ours:
	 * told by the name's last segment, so an overlay may move the images to a registry.
	 */
	static Optional<Application> ofImage(String image) {
		String reference = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
		String name = reference.substring(reference.lastIndexOf('/') + 1);
		int colon = name.indexOf(':');
		String bare = colon < 0 ? name : name.substring(0, colon);
		for (Application application : values()) {
			if (application.imageName.equals(bare)) {
				return Optional.of(application);
			}
		}
		return Optional.empty();
	}
}
