"""CustomMessage Lambda: a friendlier password-reset email.

An ordinary AWS Lambda handler: it imports nothing from cogkit.  The message must keep
the code placeholder Cognito hands over in ``codeParameter``.
"""


def lambda_handler(event, context):
    if event["triggerSource"] == "CustomMessage_ForgotPassword":
        code = event["request"]["codeParameter"]
        name = event["request"]["userAttributes"].get("given_name", "there")
        event["response"]["emailSubject"] = "Reset your password"
        event["response"]["emailMessage"] = f"Hi {name}, your reset code is {code}."
    return event
