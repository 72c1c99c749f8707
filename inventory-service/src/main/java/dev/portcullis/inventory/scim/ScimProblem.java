package dev.portcullis.inventory.scim;

/**
 * A SCIM error (RFC 7644 §3.12): its HTTP status and, where the RFC has one, its {@code scimType}
 * ({@code invalidFilter}, {@code invalidValue}, {@code invalidSyntax}, {@code invalidPath}, {@code noTarget},
 * {@code mutability}, {@code uniqueness}, {@code tooMany}).
 */
public class ScimProblem extends RuntimeException {

    private final int status;
    private final String scimType;

    public ScimProblem(int status, String scimType, String detail) {
        super(detail);
        this.status = status;
        this.scimType = scimType;
    }

    public static ScimProblem invalidValue(String attribute, String message) {
        return new ScimProblem(400, "invalidValue", attribute + " " + message);
    }

    public int status() {
        return status;
    }

    public String scimType() {
        return scimType;
    }
}
