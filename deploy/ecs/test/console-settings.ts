/** The console's CDK context in the tests: an example IdP and certificate (nothing is called). */
import type { ConsoleSettings } from '../src/console-service';

export const CONSOLE_SETTINGS: ConsoleSettings = {
  certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
  oidc: {
    issuer: 'https://idp.example.com',
    authorizationEndpoint: 'https://idp.example.com/authorize',
    tokenEndpoint: 'https://idp.example.com/token',
    userInfoEndpoint: 'https://idp.example.com/userinfo',
    clientId: 'ediflow-console',
    clientSecret: { secret: 'ediflow/console-oidc', field: 'clientSecret' },
  },
  operatorGroups: ['edi-operators'],
  readOnlyGroups: ['edi-support', 'edi-audit'],
};
