"""PreTokenGeneration Lambda (V1_0): puts the user's tenant in the ID token and leaves the
phone number out of it.

An ordinary AWS Lambda handler: it imports nothing from cogkit.
"""


def lambda_handler(event, context):
    email = event["request"]["userAttributes"].get("email", "")
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": {"tenant": email.partition("@")[2]},
        "claimsToSuppress": ["phone_number"],
    }
    return event
