package io.smallrye.reactive.messaging.kinesis.i18n;

import java.lang.invoke.MethodHandles;

import org.jboss.logging.Messages;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageBundle;

/**
 * Exceptions of the credentials of the clients the connector builds. Ids 2700-2729. Messages name the property
 * (channel attribute or Quarkus property) and the fix; they never carry a secret.
 */
@MessageBundle(projectCode = "SRKIN", length = 4)
public interface KinesisCredentialsExceptions {

    KinesisCredentialsExceptions ex = Messages.getBundle(MethodHandles.lookup(), KinesisCredentialsExceptions.class);

    @Message(id = 2700, value = "Unknown credentials type '%s' in '%s'; allowed: default, static, profile, assume-role, web-identity, container, custom")
    IllegalArgumentException unknownType(String value, String property);

    @Message(id = 2701, value = "'%s' is %s but '%s' is not set: %s")
    IllegalArgumentException missing(String typeProperty, String type, String missingProperty, String fix);

    @Message(id = 2702, value = "'%s' is '%s': the web identity token file cannot be read (%s); mount the token (e.g. the service account token of an EKS pod) there or fix the path")
    IllegalArgumentException tokenFileUnreadable(String property, String path, String reason);

    @Message(id = 2703, value = "'%s' is '%s' but the profile does not exist in %s; add it there, or name an existing profile (found: %s)")
    IllegalArgumentException profileNotFound(String property, String profile, String file, String found);

    @Message(id = 2704, value = "'%s' is '%s' but the file cannot be read; fix the path, or leave it unset for ~/.aws/credentials and ~/.aws/config")
    IllegalArgumentException profileFileUnreadable(String property, String path);

    @Message(id = 2705, value = "'%s' is '%s': no bean of type AwsCredentialsProvider with @Identifier(\"%s\"); declare one, or choose another credentials type")
    IllegalArgumentException beanNotFound(String property, String beanId, String sameBeanId);

    @Message(id = 2706, value = "'%s' is '%s': the credentials set '%s' is not defined (no '%s'); define it, e.g. mp.messaging.connector.smallrye-kinesis.credentials.%s.type=static")
    IllegalArgumentException setNotDefined(String property, String name, String sameName, String typeProperty,
            String sameName2);

    @Message(id = 2707, value = "'%s' is '%s': the credentials sets refer to each other in a loop (%s); the source of assume-role must end in credentials of another type")
    IllegalArgumentException sourceLoop(String property, String name, String chain);

    @Message(id = 2708, value = "'%s' is '%s': %s")
    IllegalArgumentException invalidValue(String property, String value, String allowed);
}
