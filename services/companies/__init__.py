"""The companies and the people: connections to Fortnox, staff access and sign-ins, and Radera företagets data.
Pages call `api`."""
