package io.bastion.tools.keygen;

import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.token.IssuerKeys;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.DefaultFolders;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code bastion keygen}: a broker identity key pair and a token issuer key pair, written owner-only.
 */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    header = "Create broker identity and token issuer keys, owner-only.",
    description = {
        "Create a broker identity key pair and a token issuer key pair (Ed25519), owner-only: files 0600 in a " +
            "0700 folder.",
        "",
        "Writes identity.key and identity.pub (for 'bastion broker --identity-key' and 'bastion token issue " +
            "--broker-key': each token names the broker it is for, and its holder pins the broker from it), and " +
            "issuer.key and issuer.pub (for 'bastion token issue --issuer-key' and 'bastion broker " +
            "--issuer-public'). Prints each key's fingerprint (SHA256:<base64 of the SHA-256 of the raw key>), as " +
            "'bastion broker' and 'bastion token verify' show it. Refuses to replace existing keys unless --force " +
            "is given. Keep the folder outside the broker folder."
    })
public final class KeygenCommand implements Callable<Integer>
{
    /** Broker identity private key file. */
    static final String IDENTITY_KEY = "identity.key";
    /** Broker identity public key file. */
    static final String IDENTITY_PUB = "identity.pub";
    /** Token issuer private key file. */
    static final String ISSUER_KEY = "issuer.key";
    /** Token issuer public key file. */
    static final String ISSUER_PUB = "issuer.pub";

    private static final List<String> FILES = List.of(IDENTITY_KEY, IDENTITY_PUB, ISSUER_KEY, ISSUER_PUB);

    @Spec
    private CommandSpec spec;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
        description = "Folder for the keys, created 0700 if missing (default: $XDG_CONFIG_HOME/bastion/keys, " +
            "else ~/.config/bastion/keys).")
    private Path directory;

    @Option(names = {"-f", "--force"}, description = "Replace existing keys (whoever trusted them will refuse).")
    private boolean force;

    private KeygenCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws IOException
    {
        final Path dir = null == directory ? DefaultFolders.keyDirectory() : directory;
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        final Path parent = dir.toAbsolutePath().getParent();
        if (null != parent)
        {
            Files.createDirectories(parent);
        }
        files.ensureDirectory(dir);
        clearOrRefuse(dir);

        final KeyPair identity = IssuerKeys.generate();
        final KeyPair issuer = IssuerKeys.generate();
        writePair(files, dir.resolve(IDENTITY_KEY), dir.resolve(IDENTITY_PUB), identity, "broker identity key");
        writePair(files, dir.resolve(ISSUER_KEY), dir.resolve(ISSUER_PUB), issuer, "token issuer key");

        final PrintWriter out = spec.commandLine().getOut();
        out.println("broker identity  " + KeyFiles.fingerprint(identity.getPublic()));
        out.println("  private        " + dir.resolve(IDENTITY_KEY));
        out.println("  public         " + dir.resolve(IDENTITY_PUB) + "  " + KeyFiles.hex(identity.getPublic()));
        out.println("token issuer     " + KeyFiles.fingerprint(issuer.getPublic()));
        out.println("  private        " + dir.resolve(ISSUER_KEY));
        out.println("  public         " + dir.resolve(ISSUER_PUB) + "  " + KeyFiles.hex(issuer.getPublic()));
        out.flush();
        return ExitCodes.OK;
    }

    private void clearOrRefuse(final Path dir) throws IOException
    {
        for (final String name : FILES)
        {
            final Path file = dir.resolve(name);
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS))
            {
                if (!force)
                {
                    throw new CommandFailure(file + " exists: keys are not replaced unless --force is given");
                }
                Files.delete(file);
            }
        }
    }

    private static void writePair(
        final OwnerOnlyFiles files,
        final Path privateFile,
        final Path publicFile,
        final KeyPair pair,
        final String title) throws IOException
    {
        final byte[] secret = KeyFiles.privateFileContent(pair, title);
        try
        {
            files.publish(privateFile, secret);
        }
        finally
        {
            Arrays.fill(secret, (byte)0);
        }
        files.publish(publicFile, KeyFiles.publicFileContent(pair.getPublic()));
    }
}
