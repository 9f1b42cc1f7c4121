package io.bastion.samples;

import io.bastion.broker.Bastion;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.token.Right;

import java.nio.file.Path;

/**
 * Starts a broker on the defaults ({@link Bastion#launchEmbedded()}) and writes two single-use capability tokens for
 * the current user, owner-only: {@code args[0]} may publish on {@code prices}, {@code args[1]} may subscribe to it.
 * Each names this broker (clients pin it from their token) and opens one session: a process that reads the file
 * later finds it spent. Runs until its standard input closes.
 */
public final class BrokerSample
{
    private BrokerSample()
    {
    }

    /**
     * Run the sample.
     *
     * @param args the publisher's and the subscriber's token files.
     * @throws Exception if the broker cannot start.
     */
    public static void main(final String[] args) throws Exception
    {
        try (Bastion bastion = Bastion.launchEmbedded())
        {
            final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
            final String user = System.getProperty("user.name");
            final long now = System.currentTimeMillis();
            final long hour = 3_600_000;
            files.publish(Path.of(args[0]), bastion.issueToken(user, "prices", Right.PUBLISH.bit(), now, hour, true));
            files.publish(Path.of(args[1]), bastion.issueToken(user, "prices", Right.SUBSCRIBE.bit(), now, hour, true));
            System.out.println("broker ready on " + bastion.broker().socketPath());
            while (System.in.read() >= 0)
            {
                // Runs until stdin closes.
            }
        }
    }
}
