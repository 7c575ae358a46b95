"""Staff console and planners' insights: pages, API, sign-in and roles."""
