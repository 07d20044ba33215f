"""DefineAuthChallenge Lambda: passwordless sign-in with a code sent by email, three tries.

An ordinary AWS Lambda handler: it imports nothing from cogkit.
"""

MAX_TRIES = 3


def lambda_handler(event, context):
    session = event["request"]["session"]
    response = event["response"]
    if event["request"].get("userNotFound"):
        response["issueTokens"] = False
        response["failAuthentication"] = True
    elif session and session[-1]["challengeResult"]:
        response["issueTokens"] = True
        response["failAuthentication"] = False
    elif len(session) >= MAX_TRIES:
        response["issueTokens"] = False
        response["failAuthentication"] = True
    else:
        response["issueTokens"] = False
        response["failAuthentication"] = False
        response["challengeName"] = "CUSTOM_CHALLENGE"
    return event
