/**
 * The Nest demo's module: `CaptchaModule.forRoot()` with the demo's verifier, and the controller.
 */
import { Module, type DynamicModule } from '@nestjs/common';
import { CaptchaModule } from '@tencent-captcha/nestjs';
import { DemoController } from './demo.controller.js';
import { DEMO_STATE, type NestDemoState } from './demo.state.js';

@Module({})
export class DemoAppModule {
  static register(state: NestDemoState): DynamicModule {
    return {
      module: DemoAppModule,
      imports: [CaptchaModule.forRoot({ verifier: state.verifier })],
      controllers: [DemoController],
      providers: [{ provide: DEMO_STATE, useValue: state }],
    };
  }
}
