from letters import create_app

app = create_app()
