"""PostConfirmation Lambda: records every confirmed user in the application's database.

An ordinary AWS Lambda handler: it imports nothing from cogkit.  ``DATABASE`` stands in
for the table a real function would write to.
"""

DATABASE = {}


def lambda_handler(event, context):
    attributes = event["request"]["userAttributes"]
    DATABASE[attributes["sub"]] = {
        "email": attributes.get("email"),
        "confirmed_by": event["triggerSource"],
    }
    return event
