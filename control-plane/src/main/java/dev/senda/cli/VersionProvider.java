package dev.senda.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest, or "development" when run from classes. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"senda " + (v == null ? "development" : v)};
    }
}
