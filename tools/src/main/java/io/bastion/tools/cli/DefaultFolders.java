package io.bastion.tools.cli;

import io.bastion.broker.BrokerContext;

import java.nio.file.Path;

/**
 * Where the commands look when no folder is named: the broker's folder as {@link BrokerContext} chooses it, and a
 * per-user folder for keys.
 */
public final class DefaultFolders
{
    private DefaultFolders()
    {
    }

    /**
     * The broker folder: the {@value BrokerContext#DIR_PROP} property, else {@link BrokerContext#defaultDirectory()}.
     *
     * @return the folder.
     */
    public static Path brokerDirectory()
    {
        final String property = System.getProperty(BrokerContext.DIR_PROP);
        return null == property || property.isEmpty() ? BrokerContext.defaultDirectory() : Path.of(property);
    }

    /**
     * The key folder: {@code $XDG_CONFIG_HOME/bastion/keys}, else {@code ~/.config/bastion/keys}.
     *
     * @return the folder.
     */
    public static Path keyDirectory()
    {
        final String config = System.getenv("XDG_CONFIG_HOME");
        final Path base = null == config || config.isEmpty() ?
            Path.of(System.getProperty("user.home"), ".config") : Path.of(config);
        return base.resolve("bastion").resolve("keys");
    }
}
