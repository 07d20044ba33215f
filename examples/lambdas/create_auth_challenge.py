"""CreateAuthChallenge Lambda: makes a one-time code and emails it to the user.

An ordinary AWS Lambda handler: it imports nothing from cogkit.  ``send_email`` stands in
for the SES call a real function would make; ``MAILBOX`` keeps what it sent.
"""

import secrets

MAILBOX = []


def send_email(to, subject, body):
    MAILBOX.append({"to": to, "subject": subject, "body": body})


def lambda_handler(event, context):
    session = event["request"]["session"]
    if session and session[-1]["challengeName"] == "CUSTOM_CHALLENGE":
        # A retry: the same code as before, carried in the challenge metadata.
        code = session[-1]["challengeMetadata"].removeprefix("CODE-")
    else:
        code = f"{secrets.randbelow(10**6):06d}"
        send_email(
            event["request"]["userAttributes"]["email"],
            "Your sign-in code",
            f"Your sign-in code is {code}",
        )
    event["response"]["publicChallengeParameters"] = {"delivery": "email"}
    event["response"]["privateChallengeParameters"] = {"code": code}
    event["response"]["challengeMetadata"] = f"CODE-{code}"
    return event
