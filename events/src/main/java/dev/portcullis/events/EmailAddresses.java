package dev.portcullis.events;

import java.util.regex.Pattern;

/**
 * The one rule for an email address, everywhere: REST validation ({@code @EmailAddress} in the
 * backbone), the event schemas ({@code schemas/email-address.v1.json}, which {@code EventContractTest}
 * holds to this constant) and so every consumer. Stricter than "has an @", looser than a TLD list:
 * {@code pat@contoso.example} is an address, whatever top-level domains exist today.
 */
public final class EmailAddresses {

    /** Dot-atom local part, then two or more DNS labels, the last alphabetic. ECMA-262 and java.util.regex alike. */
    public static final String REGEX = "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
            + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.[A-Za-z]{2,63}$";

    /** RFC 5321's limit on a forward path. */
    public static final int MAX_LENGTH = 254;

    private static final Pattern PATTERN = Pattern.compile(REGEX);

    private EmailAddresses() {
    }

    public static boolean isValid(String address) {
        return address != null && address.length() <= MAX_LENGTH && PATTERN.matcher(address).matches();
    }
}
