"""VerifyAuthChallengeResponse Lambda: is the answer the code that was sent?

An ordinary AWS Lambda handler: it imports nothing from cogkit.
"""

import hmac


def lambda_handler(event, context):
    expected = event["request"]["privateChallengeParameters"]["code"]
    given = event["request"]["challengeAnswer"]
    event["response"]["answerCorrect"] = hmac.compare_digest(expected, given)
    return event
