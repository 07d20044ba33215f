"""PreSignUp Lambda: only company addresses may sign up, and they are confirmed at once.

An ordinary AWS Lambda handler: it imports nothing from cogkit.
"""

ALLOWED_DOMAIN = "example.com"


def lambda_handler(event, context):
    email = event["request"]["userAttributes"].get("email", "")
    if not email.endswith("@" + ALLOWED_DOMAIN):
        # Cognito answers the sign-up with UserLambdaValidationException
        # "PreSignUp failed with error Sign-up is limited to example.com addresses."
        raise Exception(f"Sign-up is limited to {ALLOWED_DOMAIN} addresses")
    event["response"]["autoConfirmUser"] = True
    event["response"]["autoVerifyEmail"] = True
    return event
