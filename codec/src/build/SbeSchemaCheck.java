import java.io.File;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * Build step, run with the JDK's source launcher before SbeTool: validates SBE schemas against SBE's XSD and exits
 * non-zero on any error or warning, so the build stops.
 * <p>
 * Needed because SbeTool's own XSD pass (sbe.validation.xsd) parses without an ErrorHandler: the JDK's default
 * handler only prints XSD violations ("[Error] ...") and SbeTool goes on generating; sbe.validation.stop.on.error
 * covers SBE's semantic checks only.
 * <p>
 * Usage: {@code java SbeSchemaCheck.java <sbe.xsd> <schema.xml>...}
 */
public final class SbeSchemaCheck
{
    private SbeSchemaCheck()
    {
    }

    /**
     * Validates each schema and exits with 1 on the first one that has a problem.
     *
     * @param args the XSD file, then the schema files.
     * @throws Exception when the XSD itself cannot be read.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 2)
        {
            System.err.println("usage: SbeSchemaCheck <sbe.xsd> <schema.xml>...");
            System.exit(2);
        }
        final SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        final Schema xsd = factory.newSchema(new File(args[0]));
        for (int i = 1; i < args.length; i++)
        {
            final Validator validator = xsd.newValidator();
            validator.setErrorHandler(new Strict());
            try
            {
                validator.validate(new StreamSource(new File(args[i])));
                System.out.println("SBE schema valid against XSD: " + args[i]);
            }
            catch (final SAXParseException ex)
            {
                System.err.println("SBE schema INVALID: " + args[i] + ":" + ex.getLineNumber() + ":" +
                    ex.getColumnNumber() + ": " + ex.getMessage());
                System.exit(1);
            }
        }
    }

    private static final class Strict implements ErrorHandler
    {
        public void warning(final SAXParseException ex) throws SAXParseException
        {
            throw ex;
        }

        public void error(final SAXParseException ex) throws SAXParseException
        {
            throw ex;
        }

        public void fatalError(final SAXParseException ex) throws SAXParseException
        {
            throw ex;
        }
    }
}
