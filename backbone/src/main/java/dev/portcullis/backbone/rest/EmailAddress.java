package dev.portcullis.backbone.rest;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import dev.portcullis.events.EmailAddresses;
import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * An email address by the platform's one rule ({@link EmailAddresses}), the same the event schemas
 * apply: whatever a REST body accepts, every consumer of the resulting event accepts too.
 */
@Documented
@Pattern(regexp = EmailAddresses.REGEX)
@Size(max = EmailAddresses.MAX_LENGTH)
@ReportAsSingleViolation
@Constraint(validatedBy = {})
@Target({FIELD, METHOD, PARAMETER, RECORD_COMPONENT, TYPE_USE, ANNOTATION_TYPE})
@Retention(RUNTIME)
public @interface EmailAddress {

    String message() default "must be an email address";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
